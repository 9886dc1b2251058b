package org.lamina.analysis.lm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;

import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer of a {@code causal-lm} model: its Hugging Face {@code tokenizer.json} read by
 * DJL's tokenizers binding ({@code ai.djl.huggingface:tokenizers}, whose jar carries the native
 * library, so nothing is downloaded; the file is opened by path, never by a hub name).
 *
 * <p>Encoding follows the manifest, not the file's post-processor: the text is encoded without
 * the tokenizer's special tokens, then the manifest's BOS is put in front when {@code addBos}
 * (so a BOS is never doubled or missing whatever the file's template says), the same rule the
 * exporter uses for {@code reference-outputs.npz}. A text longer than the model's
 * {@code maxLength} is refused ({@link Truncation#REFUSE}, the default: a silently cut prompt
 * predicts something else) or cut to its first {@code maxLength} tokens with the row flagged
 * ({@link Truncation#KEEP_START}).
 */
public final class LanguageModelTokenizer implements AutoCloseable {

    /** What to do with a text that has more tokens than the model takes. */
    public enum Truncation {
        /** Refuse it with an error that names the text and both lengths. */
        REFUSE,
        /** Keep the first {@code maxLength} tokens (BOS included) and flag the row as truncated. */
        KEEP_START
    }

    private final HuggingFaceTokenizer tokenizer;
    private final LanguageModelSpec spec;
    private final String modelName;
    private final Path file;

    private LanguageModelTokenizer(HuggingFaceTokenizer tokenizer, LanguageModelSpec spec, String modelName, Path file) {
        this.tokenizer = tokenizer;
        this.spec = spec;
        this.modelName = modelName;
        this.file = file;
    }

    /** Opens the tokenizer file a language model's manifest names. */
    public static LanguageModelTokenizer open(ModelManifest manifest) {
        LanguageModelSpec lm = manifest.requireLanguageModel();
        Path file = manifest.directory().resolve(lm.tokenizer().file());
        // The binding's defaults would truncate at 512 and could pad; the manifest decides both.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelException(file + ": not a readable Hugging Face tokenizer.json (" + e.getMessage() + ")", e);
        }
        return new LanguageModelTokenizer(t, lm, manifest.name(), file);
    }

    /** The tokenizer file. */
    public Path file() {
        return file;
    }

    /** The ids of {@code text} as the model takes them (BOS per the manifest), refusing a too-long text. */
    public long[] encode(String text) {
        return encode(text, Truncation.REFUSE).ids();
    }

    /** One text's ids and whether they were cut to {@code maxLength}. */
    public record Encoded(long[] ids, boolean truncated, int fullLength) {
    }

    /** The ids of {@code text} (BOS per the manifest) under a truncation policy. */
    public Encoded encode(String text, Truncation truncation) {
        Encoding e = tokenizer.encode(text, false, false);
        return finish(text, e.getIds(), truncation);
    }

    /**
     * The ids of many texts (BOS per the manifest), as {@link #encode(String)} gives them one by
     * one, refusing a too-long text. One native batch call and one id read per text: DJL's
     * {@link Encoding} fetches every field of an encoding (tokens, offsets, masks, …) through
     * the native boundary, which made tokenising a concept set of 512 short texts cost about as
     * much as running them through a small model (issue #19).
     */
    public List<long[]> encodeAll(List<String> texts) {
        long[] handles = TokenizersLibrary.LIB.batchEncode(tokenizer.getHandle(), texts.toArray(String[]::new), false);
        List<long[]> out = new ArrayList<>(texts.size());
        try {
            for (int i = 0; i < handles.length; i++) {
                out.add(finish(texts.get(i), TokenizersLibrary.LIB.getTokenIds(handles[i]), Truncation.REFUSE).ids());
            }
        } finally {
            for (long h : handles) {
                TokenizersLibrary.LIB.deleteEncoding(h);
            }
        }
        return out;
    }

    private Encoded finish(String text, long[] body, Truncation truncation) {
        boolean bos = spec.tokenizer().addBos();
        long[] ids = new long[body.length + (bos ? 1 : 0)];
        if (bos) {
            ids[0] = spec.tokenizer().bosId().orElseThrow();
        }
        System.arraycopy(body, 0, ids, bos ? 1 : 0, body.length);
        for (long id : ids) {
            if (id < 0 || id >= spec.vocabSize()) {
                throw new ModelException(file + ": gives token id " + id + " for \"" + abbreviate(text)
                        + "\", outside the model's vocabulary 0 … " + (spec.vocabSize() - 1) + " (a tokenizer of another model?)");
            }
        }
        if (ids.length == 0) {
            throw new ModelException("the text \"" + abbreviate(text) + "\" has no tokens (and model '" + modelName
                    + "' adds no BOS): there is no position to predict from");
        }
        int max = spec.maxLength();
        if (ids.length <= max) {
            return new Encoded(ids, false, ids.length);
        }
        if (truncation == Truncation.REFUSE) {
            throw new ModelException("the text \"" + abbreviate(text) + "\" has " + ids.length + " tokens but model '" + modelName
                    + "' takes at most " + max + " (input.maxLength); shorten it or allow truncation");
        }
        return new Encoded(java.util.Arrays.copyOf(ids, max), true, ids.length);
    }

    /** A right-padded batch of {@code texts} under a truncation policy. */
    public TokenBatch batch(List<String> texts, Truncation truncation) {
        List<long[]> rows = new ArrayList<>();
        boolean[] cut = new boolean[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            Encoded e = encode(texts.get(i), truncation);
            rows.add(e.ids());
            cut[i] = e.truncated();
        }
        return new TokenBatch(rows, spec.tokenizer().padId(), cut);
    }

    /** The text of {@code ids} (special tokens kept, so a display shows BOS as the model saw it). */
    public String decode(long... ids) {
        return tokenizer.decode(ids, false);
    }

    /** One display string per id, e.g. for chips or a top-k table. */
    public List<String> tokens(long... ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            out.add(tokenizer.decode(new long[] {id}, false));
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
