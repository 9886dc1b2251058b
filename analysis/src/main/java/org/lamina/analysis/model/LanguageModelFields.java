package org.lamina.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/**
 * Reads the causal-LM part of a manifest ({@link LanguageModelSpec}); each problem names the file
 * and the field, as {@link ManifestReader} does for the rest.
 */
final class LanguageModelFields {

    private LanguageModelFields() {
    }

    /**
     * @param error builds the reader's error for (field, what was expected)
     */
    static LanguageModelSpec read(JsonNode root, Path manifestFile, BiFunction<String, String, ModelException> error) {
        JsonNode in = root.get("input");
        if (in == null || !in.isObject()) {
            throw error.apply("input", "an object {\"kind\": \"tokens\", \"vocabSize\": V, \"maxLength\": L} for a causal-lm");
        }
        JsonNode inKind = in.get("kind");
        if (inKind == null || !inKind.isTextual() || !inKind.asText().equals("tokens")) {
            throw error.apply("input.kind", "\"tokens\" for a causal-lm, got " + (inKind == null ? "nothing" : inKind));
        }
        int vocab = positive(in.get("vocabSize"), "input.vocabSize", error);
        int maxLength = positive(in.get("maxLength"), "input.maxLength", error);

        JsonNode t = root.get("tokenizer");
        if (t == null || !t.isObject()) {
            throw error.apply("tokenizer", "an object {\"file\", \"bosId\", \"eosId\", \"padId\", \"addBos\"} for a causal-lm");
        }
        JsonNode f = t.get("file");
        if (f == null || !f.isTextual() || f.asText().isBlank()) {
            throw error.apply("tokenizer.file", "the tokenizer file name, e.g. \"tokenizer.json\"");
        }
        checkInside(manifestFile, f.asText(), "tokenizer.file");
        OptionalLong bos = optionalId(t.get("bosId"), "tokenizer.bosId", vocab, error);
        OptionalLong eos = optionalId(t.get("eosId"), "tokenizer.eosId", vocab, error);
        JsonNode padNode = t.get("padId");
        if (padNode == null || padNode.isNull()) {
            throw error.apply("tokenizer.padId", "a token id 0 … " + (vocab - 1) + " (the checkpoint's pad id, else eos, else 0)");
        }
        long pad = optionalId(padNode, "tokenizer.padId", vocab, error).orElseThrow();
        JsonNode addBos = t.get("addBos");
        if (addBos == null || !addBos.isBoolean()) {
            throw error.apply("tokenizer.addBos", "true or false");
        }
        if (addBos.asBoolean() && bos.isEmpty()) {
            throw error.apply("tokenizer.bosId", "a token id when tokenizer.addBos is true, got null");
        }
        int blocks = positive(root.get("blocks"), "blocks", error);
        int hidden = positive(root.get("hiddenSize"), "hiddenSize", error);

        Optional<LanguageModelSpec.Reference> reference = Optional.empty();
        JsonNode r = root.get("reference");
        if (r != null && !r.isNull()) {
            JsonNode rf = r.get("file");
            JsonNode prompts = r.get("prompts");
            if (!r.isObject() || rf == null || !rf.isTextual() || prompts == null || !prompts.isArray()) {
                throw error.apply("reference", "an object {\"file\": \"reference-outputs.npz\", \"prompts\": [...]}");
            }
            List<String> p = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                if (!prompts.get(i).isTextual()) {
                    throw error.apply("reference.prompts[" + i + "]", "a string");
                }
                p.add(prompts.get(i).asText());
            }
            reference = Optional.of(new LanguageModelSpec.Reference(rf.asText(), p));
        }
        JsonNode source = root.get("source");
        if (source != null && !source.isNull() && !source.isObject()) {
            throw error.apply("source", "an object (the exporter's record of the checkpoint)");
        }
        return new LanguageModelSpec(vocab, maxLength,
                new LanguageModelSpec.TokenizerSpec(f.asText(), bos, eos, pad, addBos.asBoolean()),
                blocks, hidden, reference, source);
    }

    /** Every block's residual stream must be a startable probe point {@code [-1, hiddenSize]}. */
    static void checkPoints(LanguageModelSpec lm, List<ProbePoint> points, BiFunction<String, String, ModelException> error) {
        for (int i = 0; i < lm.blocks(); i++) {
            String name = "blocks." + i;
            ProbePoint p = points.stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow(() ->
                    error.apply("probePoints", "a point \"" + name + "\" for each of the " + lm.blocks() + " blocks"));
            long[] s = p.shape();
            if (s.length != 2 || s[0] != -1 || s[1] != lm.hiddenSize()) {
                throw error.apply("probePoints[" + p.index() + "].shape", "[-1, " + lm.hiddenSize() + "] (hiddenSize) for \""
                        + name + "\", got " + java.util.Arrays.toString(s));
            }
        }
    }

    private static int positive(JsonNode n, String field, BiFunction<String, String, ModelException> error) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw error.apply(field, "a positive integer, got " + (n == null ? "nothing" : n.toString()));
        }
        return n.asInt();
    }

    private static OptionalLong optionalId(JsonNode n, String field, int vocab, BiFunction<String, String, ModelException> error) {
        if (n == null || n.isNull()) {
            return OptionalLong.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() >= vocab) {
            throw error.apply(field, "null or a token id 0 … " + (vocab - 1) + " (input.vocabSize " + vocab + "), got " + n);
        }
        return OptionalLong.of(n.asLong());
    }

    /** A file the manifest names must be a regular file inside the model directory (links resolved). */
    private static void checkInside(Path manifestFile, String name, String field) {
        Path dir = manifestFile.getParent();
        try {
            Path named = dir.resolve(name);
            if (!Files.exists(named)) {
                throw new ModelException(manifestFile + ": field '" + field + "' names " + name + ", which does not exist in " + dir);
            }
            Path real = named.toRealPath();
            if (!real.startsWith(dir.toRealPath()) || !Files.isRegularFile(real)) {
                throw new ModelException(manifestFile + ": field '" + field + "' names " + name
                        + ", which is not a regular file inside the model directory " + dir);
            }
        } catch (InvalidPathException | IOException e) {
            throw new ModelException(manifestFile + ": field '" + field + "' names " + name + ", which cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
