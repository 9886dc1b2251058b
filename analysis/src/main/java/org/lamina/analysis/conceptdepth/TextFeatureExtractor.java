package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.lm.TokenBatch;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.TokenReadout;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Features of a decoder language model for a text concept set (issue #19; Jin et al. 2024 probe
 * the hidden state of each layer at the last token of the statement): every text is tokenised
 * as the model takes it ({@link LanguageModelTokenizer}, BOS per the manifest), texts of similar
 * length are run together in right-padded batches sized to the memory budget, and each probe
 * point is read per row by the runner ({@link TokenReadout}) at the row's last real token
 * ({@link TokenPooling#LAST}) or as the mean over its real tokens ({@link TokenPooling#MEAN}):
 * padding never enters a feature, so a text has the same features alone or beside a longer one.
 *
 * <p>Noise (σ &gt; 0) is Gaussian noise added to the token embeddings (the {@code embed} point,
 * through the runner's perturbation, never to token ids), drawn per text from the seed and the
 * text, so a text gets the same noise in any batch. fp16/bf16 rounds the embeddings and every
 * startable point's activation on the way, as the image path does (the run is cut at each
 * startable point, rounded, continued from there); int8 rounds weights only.
 */
public final class TextFeatureExtractor {

    /** The residual stream after each block ({@code blocks.3}, not {@code blocks.3.attn}). */
    private static final Pattern BLOCK = Pattern.compile("blocks\\.\\d+");
    /** The point noise is added at. */
    public static final String EMBED = "embed";

    private TextFeatureExtractor() {
    }

    /**
     * The probe points of a language model the user asked for: {@code layers} (default) = the
     * embeddings and the residual stream after every block (the hidden states a Hugging Face model
     * returns, less the final norm), {@code all} = every point with one vector per token (attention
     * probabilities, whose read-out still has a token axis, are left out), or a list of names.
     */
    public static List<String> resolvePoints(ModelManifest mf, String spec) {
        String s = spec == null ? "layers" : spec.trim();
        List<ProbePoint> all = mf.probePoints();
        if (s.equals("layers") || s.isEmpty()) {
            List<String> chosen = all.stream().filter(p -> p.name().equals(EMBED) || BLOCK.matcher(p.name()).matches())
                    .map(ProbePoint::name).toList();
            return chosen.isEmpty()
                    ? all.stream().filter(p -> p.startable() && vectorPerToken(p)).map(ProbePoint::name).toList() : chosen;
        }
        if (s.equals("all")) {
            return all.stream().filter(TextFeatureExtractor::vectorPerToken).map(ProbePoint::name).toList();
        }
        List<String> chosen = FeatureExtractor.byName(mf, s);
        for (String name : chosen) {
            ProbePoint p = mf.probePoint(name);
            if (!vectorPerToken(p)) {
                throw new IllegalArgumentException("probe point '" + name + "' of language model '" + mf.name()
                        + "' has shape " + Arrays.toString(p.shape()).replace("-1", "seq") + ": read at one token it "
                        + "still has a token axis, so it gives no fixed-length feature; choose points of shape [seq, d] "
                        + "(e.g. embed, blocks.0, blocks.0.attn, blocks.0.mlp.act)");
            }
        }
        return chosen;
    }

    private static boolean vectorPerToken(ProbePoint p) {
        long[] s = p.shape();
        return s.length == 2 && s[0] < 0 && s[1] > 0;
    }

    /** The runner's read-out mode of a token choice, or a refusal of {@code cls}. */
    static TokenReadout.Mode mode(TokenPooling pooling, ModelManifest mf) {
        return switch (pooling) {
            case LAST -> TokenReadout.Mode.LAST;
            case MEAN -> TokenReadout.Mode.MEAN;
            case CLS -> throw new IllegalArgumentException("--token cls: decoder language model '" + mf.name()
                    + "' has no class token (token 0 is BOS, the same for every text); use --token last (the default "
                    + "for causal-lm models, the paper's choice) or --token mean");
            case NONE -> throw new IllegalArgumentException("--reduce none: the activations of language model '"
                    + mf.name() + "' have a token axis whose length varies with the text, so they give no column of "
                    + "fixed length; use --reduce last (the paper's choice) or --reduce mean");
        };
    }

    /** Extracts {@code points} of {@code model} for the texts {@code items} (ascending indices into {@code data}). */
    public static LayerFeatures extract(ProbeableModel model, TextConceptData data, int[] items, List<String> points,
                                        FeatureExtractor.Options options, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        mf.requireLanguageModel();
        TokenReadout.Mode mode = mode(options.pooling(), mf);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no probe points chosen for model '" + mf.name() + "'");
        }
        int[] dims = new int[points.size()];
        for (int p = 0; p < points.size(); p++) {
            ProbePoint pp = mf.probePoint(points.get(p));
            if (!vectorPerToken(pp)) {
                throw new IllegalArgumentException("probe point '" + pp.name() + "' has no fixed-length feature per token");
            }
            dims[p] = (int) pp.shape()[1];
        }
        long start = System.nanoTime();
        List<long[]> ids = tokenise(mf, data, items);
        // Similar lengths together: less padding, and the batch size follows the longest row.
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        List<int[]> batches = plan(mf, model.device(), order, ids);
        List<float[]> values = new ArrayList<>();
        for (int d : dims) {
            values.add(new float[items.length * d]);
        }
        long padId = mf.languageModel().tokenizer().padId();
        progress.begin(batches.size());
        for (int b = 0; b < batches.size(); b++) {
            progress.checkCancelled();
            progress.message(mf.name() + ": features, batch " + (b + 1) + " of " + batches.size());
            int[] rows = batches.get(b);
            List<long[]> rowIds = new ArrayList<>(rows.length);
            for (int r : rows) {
                rowIds.add(ids.get(r));
            }
            TokenBatch batch = new TokenBatch(rowIds, padId, new boolean[rows.length]);
            TokenReadout readout = new TokenReadout(mode, batch.lengths());
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                NDArray x = batch.ids(m);
                NDArray noise = options.noiseSigma() > 0 ? noise(m, mf, data, items, rows, batch, options) : null;
                Map<String, NDArray> read = activations(model, m, x, noise, points, readout, options.precision());
                for (int p = 0; p < points.size(); p++) {
                    float[] v = read.get(points.get(p)).toFloatArray();
                    int d = dims[p];
                    for (int r = 0; r < rows.length; r++) {
                        System.arraycopy(v, r * d, values.get(p), rows[r] * d, d);
                    }
                }
            }
            progress.advance(1);
        }
        return new LayerFeatures(mf.name(), List.copyOf(points), dims, items.clone(), values,
                (System.nanoTime() - start) / 1e9);
    }

    /** Token ids of the texts {@code items}, in order; a text the model cannot take is refused naming it. */
    static List<long[]> tokenise(ModelManifest mf, TextConceptData data, int[] items) {
        List<String> texts = new ArrayList<>(items.length);
        for (int item : items) {
            texts.add(data.texts().get(item));
        }
        try (LanguageModelTokenizer tok = LanguageModelTokenizer.open(mf)) {
            try {
                return tok.encodeAll(texts);
            } catch (RuntimeException batchFailure) {
                // find the text and say which it is
                for (int item : items) {
                    try {
                        tok.encode(data.texts().get(item));
                    } catch (RuntimeException e) {
                        throw new ConceptSetException("concept set '" + data.name() + "', " + data.describeItem(item)
                                + ": " + e.getMessage(), e);
                    }
                }
                throw batchFailure;
            }
        }
    }

    /**
     * Batches of row indices (in {@code order}, shortest first): each as large as the memory budget
     * allows for its longest row (every probe point and the logits of a forward, float32; on the
     * CPU the cache-sized budget of {@link BatchPlanner#forwardBatchSize}).
     */
    static List<int[]> plan(ModelManifest mf, ai.djl.Device device, Integer[] order, List<long[]> ids) {
        long budget = device.isGpu() ? BatchPlanner.DEFAULT_BUDGET_BYTES : BatchPlanner.CPU_FORWARD_BYTES;
        int min = device.isGpu() ? 1 : BatchPlanner.MIN_CPU_BATCH;
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < order.length) {
            int n = 0;
            while (i + n < order.length) {
                int longest = ids.get(order[i + n]).length;
                long bytes = (long) (n + 1) * bytesPerSequence(mf, longest);
                if (n >= min && bytes > budget || n >= BatchPlanner.MAX_BATCH) {
                    break;
                }
                n++;
            }
            int[] rows = new int[n];
            for (int k = 0; k < n; k++) {
                rows[k] = order[i + k];
            }
            out.add(rows);
            i += n;
        }
        return out;
    }

    /** Float32 bytes of one sequence of {@code seq} tokens in a forward: every probe point and the logits. */
    static long bytesPerSequence(ModelManifest mf, int seq) {
        long values = (long) seq * mf.languageModel().vocabSize();
        for (ProbePoint p : mf.probePoints()) {
            long n = 1;
            for (long d : p.shapeFor(seq)) {
                n *= d;
            }
            values += n;
        }
        return values * Float.BYTES;
    }

    /** Gaussian noise {@code [B, S, d]} for the embeddings: per text from (seed, text), zero at pad positions. */
    private static NDArray noise(NDManager m, ModelManifest mf, TextConceptData data, int[] items, int[] rows,
                                 TokenBatch batch, FeatureExtractor.Options options) {
        ProbePoint embed = mf.probePoint(EMBED);
        int d = (int) embed.shape()[1];
        int seq = batch.sequenceLength();
        float[] v = new float[rows.length * seq * d];
        int[] lengths = batch.lengths();
        for (int r = 0; r < rows.length; r++) {
            String text = data.texts().get(items[rows[r]]);
            Random rnd = new Random(ControlTask.key(options.seed(), text.hashCode()));
            for (int k = 0; k < lengths[r] * d; k++) {
                v[r * seq * d + k] = (float) (options.noiseSigma() * rnd.nextGaussian());
            }
        }
        return m.create(v, new Shape(rows.length, seq, d));
    }

    /**
     * The points read per row. In fp32 (and int8, whose weights are already rounded) one run reads
     * them all through the runner's read-out; with fp16/bf16 the forward is cut at every startable
     * point, whose full activation is rounded and the run continued from it, and the points are
     * read out afterwards with the same {@link TokenReadout}.
     */
    private static Map<String, NDArray> activations(ProbeableModel model, NDManager m, NDArray ids, NDArray noise,
                                                    List<String> points, TokenReadout readout, Precision precision) {
        ModelManifest mf = model.manifest();
        Map<String, NDArray> got = new HashMap<>();
        if (!precision.roundsActivations()) {
            RunRequest.Builder req = RunRequest.fromInput(ids).capture(points).readout(readout);
            if (noise != null) {
                req.perturb(EMBED, noise);
            }
            // The arrays live in m (closed by the caller after reading them).
            Trace t = model.run(m, req.build());
            for (String p : points) {
                got.put(p, t.activation(p));
            }
            return got;
        }
        Map<String, NDArray> full = FeatureExtractor.roundedRun(model, m, ids, points, precision,
                req -> noise == null ? req : req.perturb(EMBED, noise));
        for (String p : points) {
            got.put(p, readout.apply(full.get(p), mf.probePoint(p)));
        }
        return got;
    }
}
