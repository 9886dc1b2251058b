package org.lamina.analysis.logitlens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The logit lens (nostalgebraist 2020, "interpreting GPT: the logit lens", LessWrong, 31 Aug
 * 2020): for every layer ℓ ({@code embed}, {@code blocks.0 … blocks.N-1}) and every real token
 * position t of a prompt, the distribution {@code q_ℓ,t = softmax(lm_head(final_norm(h_ℓ,t)))},
 * i.e. the stream after layer ℓ decoded as if it were the last one. It is computed with the
 * model's own {@code run_from(blocks.N-1, h)} (causal-LM export contract: that call is exactly
 * final norm then unembedding), so no weights are read on the Java side.
 *
 * <p>Per cell: the most probable token of {@code q_ℓ,t}, its probability, and
 * {@code KL(p_t || q_ℓ,t)} in <b>nats</b>, where {@code p_t} is the model's own next-token
 * distribution at t (its logits from the full forward). The last layer's row is the model's
 * output itself, so its KL is 0 up to float rounding.
 *
 * <p>Memory: the layers are stacked along the batch axis and decoded in chunks, one
 * {@code run_from} call per chunk, with as many layers per chunk as keep the chunk's
 * {@code [layers, S, V]} logits (and their softmax/log-softmax temporaries, ×4) within
 * {@code budgetBytes}; at least one layer per call.
 */
public final class LogitLens {

    /** Default memory for one chunk's logits and temporaries: 256 MiB. */
    public static final long DEFAULT_BUDGET_BYTES = 256L << 20;

    private LogitLens() {
    }

    /**
     * The lens of one prompt.
     *
     * @param text        the prompt as given
     * @param ids         its token ids (BOS per the manifest)
     * @param tokens      the token strings of {@code ids}
     * @param layers      row names: {@code embed, blocks.0 … blocks.N-1}
     * @param topId       [layer][position] most probable next token under the lens
     * @param topToken    [layer][position] its token string
     * @param topProbability [layer][position] its probability
     * @param klNats      [layer][position] KL(model's final distribution ‖ lens distribution), nats
     * @param truncated   whether the prompt was cut to the model's maximum length
     */
    public record Result(String text, long[] ids, List<String> tokens, List<String> layers, int[][] topId,
                         String[][] topToken, float[][] topProbability, float[][] klNats, boolean truncated) {

        /** Number of layers (rows). */
        public int layerCount() {
            return layers.size();
        }

        /** Number of real token positions (columns). */
        public int positions() {
            return ids.length;
        }
    }

    /** {@link #compute(ProbeableModel, LanguageModelTokenizer, String, LanguageModelTokenizer.Truncation, long)} with the default budget. */
    public static Result compute(ProbeableModel model, LanguageModelTokenizer tokenizer, String text,
                                 LanguageModelTokenizer.Truncation truncation) {
        return compute(model, tokenizer, text, truncation, DEFAULT_BUDGET_BYTES);
    }

    /**
     * Computes the lens of {@code text}; refuses an image model (a {@link ModelException} naming it)
     * and an empty prompt.
     */
    public static Result compute(ProbeableModel model, LanguageModelTokenizer tokenizer, String text,
                                 LanguageModelTokenizer.Truncation truncation, long budgetBytes) {
        Objects.requireNonNull(text, "text");
        LanguageModelSpec lm = model.manifest().requireLanguageModel();
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive, got " + budgetBytes);
        }
        LanguageModelTokenizer.Encoded enc = tokenizer.encode(text, truncation);
        long[] ids = enc.ids();
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt \"" + text + "\" has no tokens");
        }
        int s = ids.length;
        int n = lm.blocks();
        List<String> layers = new ArrayList<>();
        layers.add("embed");
        for (int i = 0; i < n; i++) {
            layers.add(lm.blockPoint(i));
        }
        String last = lm.blockPoint(n - 1);
        int nl = layers.size();
        int[][] topId = new int[nl][s];
        String[][] topToken = new String[nl][s];
        float[][] topP = new float[nl][s];
        float[][] kl = new float[nl][s];
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            // One row, no padding: every position is real, so no read-out is needed.
            NDArray x = m.create(ids).reshape(1, s);
            NDArray stream;
            NDArray logPFinal;
            try (Trace t = model.run(m, RunRequest.fromInput(x).capture(layers).build())) {
                NDList rows = new NDList(nl);
                for (String l : layers) {
                    rows.add(t.activation(l).get(0));
                }
                stream = NDArrays.stack(rows); // [L, S, d]
                stream.attach(m);
                logPFinal = t.logits().get(0).logSoftmax(-1); // [S, V]
                logPFinal.attach(m);
            }
            NDArray pFinal = logPFinal.exp();
            long vocab = logPFinal.getShape().get(1);
            long perLayer = 4L * 4L * s * vocab; // logits, log-softmax, product and exp: float32
            int chunk = (int) Math.max(1, Math.min(nl, budgetBytes / perLayer));
            for (int from = 0; from < nl; from += chunk) {
                int to = Math.min(nl, from + chunk);
                try (NDManager cm = m.newSubManager()) {
                    NDArray h = stream.get(new NDIndex("{}:{}", from, to));
                    h.attach(cm);
                    try (Trace t = model.run(cm, RunRequest.startingAt(last, h).build())) {
                        NDArray logQ = t.logits().logSoftmax(-1); // [c, S, V]
                        NDArray klc = pFinal.mul(logPFinal.sub(logQ)).sum(new int[] {2}); // [c, S]
                        NDArray best = logQ.argMax(2); // [c, S]
                        NDArray bestP = logQ.max(new int[] {2}).exp();
                        long[] bi = best.toLongArray();
                        float[] bp = bestP.toFloatArray();
                        float[] k = klc.toFloatArray();
                        for (int l = from; l < to; l++) {
                            for (int p = 0; p < s; p++) {
                                int o = (l - from) * s + p;
                                topId[l][p] = (int) bi[o];
                                topToken[l][p] = tokenizer.tokens(bi[o]).get(0);
                                topP[l][p] = bp[o];
                                // Rounding can give a tiny negative KL where q = p: clamp at 0.
                                kl[l][p] = Math.max(0f, k[o]);
                            }
                        }
                    }
                }
            }
        }
        return new Result(text, ids, tokenizer.tokens(ids), List.copyOf(layers), topId, topToken, topP, kl, enc.truncated());
    }

    /** The grid as text: one line per layer, one column per token (top token and its probability). */
    public static String format(Result r) {
        int w = 8;
        for (int p = 0; p < r.positions(); p++) {
            w = Math.max(w, quote(r.tokens().get(p)).length());
            for (int l = 0; l < r.layerCount(); l++) {
                w = Math.max(w, quote(r.topToken()[l][p]).length() + 6);
            }
        }
        w = Math.min(w, 24);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s", "layer \\ in"));
        for (String t : r.tokens()) {
            sb.append(' ').append(pad(clip(quote(t), w), w));
        }
        sb.append('\n');
        for (int l = 0; l < r.layerCount(); l++) {
            sb.append(String.format("%-12s", r.layers().get(l)));
            for (int p = 0; p < r.positions(); p++) {
                String tok = clip(quote(r.topToken()[l][p]), w - 5);
                String cell = pad(tok, w - 5) + String.format("%4.0f%%", 100 * r.topProbability()[l][p]);
                sb.append(' ').append(pad(cell, w));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String quote(String token) {
        return "'" + token.replace("\n", "\\n") + "'";
    }

    private static String clip(String s, int w) {
        return s.length() <= w ? s : s.substring(0, Math.max(1, w - 1)) + "…";
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
