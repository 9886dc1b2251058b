package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Logit lens for transformers (nostalgebraist 2020; spec "Companions"): each layer's residual
 * stream is decoded with the model's own final norm and head — a run that starts at the last
 * block's output with layer l's tokens (so the class token goes through norm + head) — and
 * compared with the real output: KL(p_l ‖ p_final), top-1 agreement, top-5 overlap.
 */
public final class LogitLens {

    private LogitLens() {
    }

    /**
     * The point a lens run starts at: the startable point just before the final norm point
     * (named {@code norm} or ending in {@code .norm}/{@code _norm}); a clear error for models
     * without one.
     */
    public static String decodePoint(ModelManifest mf) {
        List<ProbePoint> pts = mf.probePoints();
        if (pts.size() >= 2) {
            ProbePoint last = pts.get(pts.size() - 1);
            if (last.name().equals("norm") || last.name().endsWith(".norm") || last.name().endsWith("_norm")) {
                for (int i = pts.size() - 2; i >= 0; i--) {
                    if (pts.get(i).startable() && Arrays.equals(pts.get(i).shape(), last.shape())) {
                        return pts.get(i).name();
                    }
                }
            }
        }
        throw new ModelException("the logit lens needs a transformer whose last probe point is its final norm "
                + "(e.g. 'norm') after a startable residual point; model '" + mf.name() + "' has "
                + pts.stream().map(ProbePoint::name).toList());
    }

    /** Whether the model supports the lens. */
    public static boolean supports(ModelManifest mf) {
        try {
            decodePoint(mf);
            return true;
        } catch (ModelException e) {
            return false;
        }
    }

    /** The lens over rows {@code items} of {@code data}. */
    public static LogitLensResult run(ProbeableModel model, Dataset data, int[] items, FeatureExtractor.Options options,
                                      ProgressSink progress) {
        if (data instanceof TextConceptData text) {
            return runText(model, text, items, progress);
        }
        ModelManifest mf = model.manifest();
        String from = decodePoint(mf);
        int fromIndex = mf.probePoint(from).index();
        long[] residualShape = mf.probePoint(from).shape();
        List<String> points = mf.probePoints().stream()
                .filter(p -> p.startable() && p.index() <= fromIndex && Arrays.equals(p.shape(), residualShape))
                .map(ProbePoint::name).toList();
        int n = points.size();
        double[] kl = new double[n];
        double[] top1 = new double[n];
        double[] top5 = new double[n];
        int batch = BatchPlanner.forwardBatchSize(mf, model.device());
        int batches = (items.length + batch - 1) / batch;
        progress.begin(batches);
        for (int b = 0; b < batches; b++) {
            progress.checkCancelled();
            progress.message(mf.name() + ": logit lens, batch " + (b + 1) + " of " + batches);
            int[] rows = Arrays.copyOfRange(items, b * batch, Math.min(items.length, (b + 1) * batch));
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                NDArray x = FeatureExtractor.input(m, data, rows, mf, options);
                Trace full = model.run(m, RunRequest.fromInput(x).capture(points).build());
                NDArray logP = full.logits().logSoftmax(1);
                float[] pFinal = logP.exp().toFloatArray();
                int classes = (int) logP.getShape().get(1);
                for (int k = 0; k < n; k++) {
                    Trace t = model.run(m, RunRequest.startingAt(from, full.activation(points.get(k))).build());
                    accumulate(t.logits().logSoftmax(1), logP, pFinal, rows.length, classes, k, kl, top1, top5);
                }
            }
            progress.advance(1);
        }
        return averaged(points, from, kl, top1, top5, items.length);
    }

    /**
     * The lens of a language model over texts (issue #19): the next-token distribution at each
     * text's last real token, decoded from every residual point by the model's own final norm and
     * head (a run that starts at the last block's output with layer l's tokens, read at the last
     * real token by the runner), against the real one. No noise or rounding: the lens describes
     * the clean model.
     */
    static LogitLensResult runText(ProbeableModel model, TextConceptData data, int[] items, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        String from = decodePoint(mf);
        int fromIndex = mf.probePoint(from).index();
        long[] residualShape = mf.probePoint(from).shape();
        List<String> points = mf.probePoints().stream()
                .filter(p -> p.startable() && p.index() <= fromIndex && Arrays.equals(p.shape(), residualShape))
                .map(ProbePoint::name).toList();
        int n = points.size();
        double[] kl = new double[n];
        double[] top1 = new double[n];
        double[] top5 = new double[n];
        List<long[]> ids = TextFeatureExtractor.tokenise(mf, data, items);
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, java.util.Comparator.comparingInt(i -> ids.get(i).length));
        List<int[]> batches = TextFeatureExtractor.plan(mf, model.device(), order, ids);
        long padId = mf.languageModel().tokenizer().padId();
        progress.begin(batches.size());
        for (int b = 0; b < batches.size(); b++) {
            progress.checkCancelled();
            progress.message(mf.name() + ": logit lens, batch " + (b + 1) + " of " + batches.size());
            int[] rows = batches.get(b);
            List<long[]> rowIds = new java.util.ArrayList<>();
            for (int r : rows) {
                rowIds.add(ids.get(r));
            }
            org.lamina.analysis.lm.TokenBatch batch = new org.lamina.analysis.lm.TokenBatch(rowIds, padId,
                    new boolean[rows.length]);
            org.lamina.analysis.model.TokenReadout last = batch.lastToken();
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                Trace full = model.run(m, RunRequest.fromInput(batch.ids(m)).capture(points).build());
                NDArray logP = last.apply(full.logits(), 1).logSoftmax(1);
                float[] pFinal = logP.exp().toFloatArray();
                int classes = (int) logP.getShape().get(1);
                for (int k = 0; k < n; k++) {
                    Trace t = model.run(m, RunRequest.startingAt(from, full.activation(points.get(k))).readout(last).build());
                    accumulate(t.logits().logSoftmax(1), logP, pFinal, rows.length, classes, k, kl, top1, top5);
                }
            }
            progress.advance(1);
        }
        return averaged(points, from, kl, top1, top5, items.length);
    }

    /**
     * Adds one batch's lens at point {@code k}: KL(q ‖ p) per row (clamped at 0 against rounding)
     * and the top-1 / top-5 agreement with the model's output; q = exp(logQ) is computed once.
     */
    private static void accumulate(NDArray logQ, NDArray logP, float[] pFinal, int rows, int classes, int k, double[] kl,
                                   double[] top1, double[] top5) {
        NDArray qArray = logQ.exp();
        float[] klRows = qArray.mul(logQ.sub(logP)).sum(new int[] {1}).toFloatArray();
        float[] q = qArray.toFloatArray();
        for (int r = 0; r < rows; r++) {
            kl[k] += Math.max(0, klRows[r]);
            agreement(q, pFinal, r, classes, k, top1, top5);
        }
    }

    /**
     * Adds row {@code r}'s agreement of the lens with the model's output at point {@code k}: top-1
     * equal (0/1) and the overlap of the two top-5 sets (0 … 1).
     */
    private static void agreement(float[] q, float[] pFinal, int r, int classes, int k, double[] top1, double[] top5) {
        int[] topQ = top(q, r, classes, 5);
        int[] topP = top(pFinal, r, classes, 5);
        top1[k] += topQ[0] == topP[0] ? 1 : 0;
        int overlap = 0;
        for (int a : topQ) {
            for (int c : topP) {
                overlap += a == c ? 1 : 0;
            }
        }
        top5[k] += overlap / (double) topQ.length;
    }

    /** The sums over {@code items} items turned into means. */
    private static LogitLensResult averaged(List<String> points, String from, double[] kl, double[] top1, double[] top5,
                                            int items) {
        for (int k = 0; k < kl.length; k++) {
            kl[k] /= items;
            top1[k] /= items;
            top5[k] /= items;
        }
        return new LogitLensResult(points, from, kl, top1, top5, items);
    }

    private static int[] top(float[] p, int row, int classes, int k) {
        Integer[] idx = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            idx[c] = c;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(p[row * classes + b], p[row * classes + a]));
        int[] out = new int[Math.min(k, classes)];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
