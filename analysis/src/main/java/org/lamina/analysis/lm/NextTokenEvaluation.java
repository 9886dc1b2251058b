package org.lamina.analysis.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.List;

/**
 * How well a language model predicts held-out text (issue #19: "the sample LMs' next-token
 * accuracy on held-out text"): every text is tokenised as the model reads it (BOS per the
 * manifest) and, at every real position t but the last, the model's most probable next token is
 * compared with token t + 1. Top-1 accuracy and the mean negative log-likelihood (nats; its
 * exponential is the perplexity) are over all those predictions of all texts, so a long text
 * weighs more than a short one (the usual token-level definition). Padding never enters: a row's
 * predictions stop at its length.
 *
 * <p>Texts are run in right-padded batches whose {@code [batch, seq, vocab]} logits (float32,
 * with log-softmax temporaries, ×3) stay within {@code budgetBytes}.
 *
 * @param texts       number of texts
 * @param predictions number of next-token predictions scored
 * @param correct     of those, how many had the true next token as the top-1 token (ties: lower id)
 * @param meanNll     mean −log p(true next token), nats
 * @param truncated   texts cut to the model's maximum length
 */
public record NextTokenEvaluation(int texts, long predictions, long correct, double meanNll, int truncated) {

    /** Default memory for one batch's logits: 256 MiB. */
    public static final long DEFAULT_BUDGET_BYTES = 256L << 20;

    /** Top-1 next-token accuracy. */
    public double accuracy() {
        return predictions == 0 ? Double.NaN : correct / (double) predictions;
    }

    /** exp(mean NLL). */
    public double perplexity() {
        return Math.exp(meanNll);
    }

    private static int countTrue(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    /** Scores {@code texts}; refuses an image model and texts with fewer than two tokens in all. */
    public static NextTokenEvaluation run(ProbeableModel model, LanguageModelTokenizer tokenizer, List<String> texts,
                                          LanguageModelTokenizer.Truncation truncation, long budgetBytes,
                                          ProgressSink progress) {
        LanguageModelSpec lm = model.manifest().requireLanguageModel();
        long perRow = 3L * Float.BYTES * lm.maxLength() * (long) lm.vocabSize();
        int batch = (int) Math.max(1, Math.min(256, budgetBytes / Math.max(1, perRow)));
        long predictions = 0;
        long correct = 0;
        double nll = 0;
        int truncated = 0;
        progress.begin(texts.size());
        for (int from = 0; from < texts.size(); from += batch) {
            progress.checkCancelled();
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            TokenBatch tb = tokenizer.batch(part, truncation);
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                NDArray ids = tb.ids(m);
                if (tb.sequenceLength() < 2) {
                    truncated += countTrue(tb.truncated());
                    progress.advance(part.size());
                    continue; // one token a row: nothing to predict in this batch
                }
                try (Trace t = model.run(m, RunRequest.fromInput(ids).build())) {
                    NDArray logp = t.logits().logSoftmax(-1); // [B, S, V]
                    long[] best = logp.argMax(2).toLongArray();
                    int s = (int) logp.getShape().get(1);
                    // log p of the actual next token at each position: gather along the vocabulary.
                    NDArray next = ids.get(new NDIndex(":, 1:")).expandDims(2); // [B, S-1, 1]
                    float[] lp = logp.get(new NDIndex(":, :-1, :")).gather(next, 2).toFloatArray(); // [B, S-1]
                    int[] lengths = tb.lengths();
                    for (int r = 0; r < part.size(); r++) {
                        long[] row = tb.row(r);
                        truncated += tb.truncated()[r] ? 1 : 0;
                        for (int p = 0; p + 1 < lengths[r]; p++) {
                            predictions++;
                            if (best[r * s + p] == row[p + 1]) {
                                correct++;
                            }
                            nll -= lp[r * (s - 1) + p];
                        }
                    }
                }
            }
            progress.advance(part.size());
        }
        if (predictions == 0) {
            throw new IllegalArgumentException("no text has two tokens or more: nothing to predict");
        }
        return new NextTokenEvaluation(texts.size(), predictions, correct, nll / predictions, truncated);
    }
}
