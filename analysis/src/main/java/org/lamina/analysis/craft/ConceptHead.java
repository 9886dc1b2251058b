package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

/**
 * h, the part of the model after the cut point, seen in concept space: for an image's
 * coefficient map u ({@code positions × r}) and concept masks m, the class logit of
 * h((u ⊙ m)·W) with the same mask at every position (shared/specs/craft.md §Sobol). Every
 * evaluation starts at the cut point ({@link RunRequest#startingAt}): g is never recomputed.
 * Masks are evaluated in batches of at most {@code batchRows}.
 *
 * <p><b>Pooled head.</b> When h begins with a global average pool — the next probe point is a
 * startable {@code [C]} vector that equals the spatial mean of the cut point, which
 * {@link CraftAnalysis} checks on every run's own images before it asks for this mode — the
 * mask commutes with the pool: mean_p((u_p ⊙ m)·W) = (ū ⊙ m)·W with ū = mean_p u_p, because
 * the mask is the same at every position and both maps are linear. h is then evaluated from the
 * pooled point on one {@code C}-vector per mask instead of a {@code C × H × W} map: the same
 * logits up to float rounding (tested against the full path), H·W times less to build and to
 * push through the network. The reference (and the full path here) builds every perturbed map.
 *
 * <p>Two generalisations for the decompositions of {@link Decomposition} and ViT cut points: an
 * offset μ (PCA's mean) is added to every reconstruction, (u ⊙ m)·W + μ (the pooled identity
 * still holds: the mean of a constant is itself); and a token cut point {@code [T, D]} is built
 * token-major, one row per token, the class token included ({@link CraftAnalysis.Cut}).
 */
final class ConceptHead {

    private final ProbeableModel model;
    private final String point;
    private final long[] pointShape;
    private final int positions;
    private final int channels;
    private final RowMajorMatrix w;
    private final int classIndex;
    private final int batchRows;
    private final String pooledPoint;
    private final long[] pooledShape;
    private final boolean tokens;
    private final float[] offset;

    /** The full head: every mask row builds its perturbed map at the cut point. */
    ConceptHead(ProbeableModel model, String point, long[] pointShape, RowMajorMatrix w, int classIndex, int batchRows) {
        this(model, point, pointShape, w, classIndex, batchRows, null);
    }

    /**
     * @param pooled the point right after the cut that holds its spatial mean ({@code [C]} or
     *               {@code [C, 1, 1]}, checked by the caller), to evaluate masks from;
     *               {@code null} for the full head
     */
    ConceptHead(ProbeableModel model, String point, long[] pointShape, RowMajorMatrix w, int classIndex, int batchRows,
                org.lamina.analysis.model.ProbePoint pooled) {
        this(model, point, pointShape, false, w, null, classIndex, batchRows, pooled);
    }

    /**
     * @param tokens whether the cut point is ViT tokens {@code [T, D]} (built token-major)
     * @param offset μ added to every reconstruction ({@code C} values), or {@code null}
     */
    ConceptHead(ProbeableModel model, String point, long[] pointShape, boolean tokens, RowMajorMatrix w, float[] offset,
                int classIndex, int batchRows, org.lamina.analysis.model.ProbePoint pooled) {
        this.model = model;
        this.point = point;
        this.pointShape = pointShape.clone();
        this.tokens = tokens;
        this.offset = offset == null ? null : offset.clone();
        this.channels = tokens ? (int) pointShape[1] : (int) pointShape[0];
        this.positions = tokens ? (int) pointShape[0] : pointShape.length == 3 ? (int) (pointShape[1] * pointShape[2]) : 1;
        this.w = w;
        this.classIndex = classIndex;
        this.batchRows = Math.max(1, batchRows);
        this.pooledPoint = pooled == null ? null : pooled.name();
        this.pooledShape = pooled == null ? null : pooled.shape();
    }


    int positions() {
        return positions;
    }

    /** Class logit for every mask row: {@code masks} is {@code [count × r]} row-major. */
    double[] evaluate(NDManager manager, float[] u, float[] masks, int count) {
        if (pooledPoint != null) {
            return evaluateImages(manager, new float[][] {u}, masks, count, () -> { })[0];
        }
        int r = w.rows();
        double[] out = new double[count];
        if (tokens) {
            return evaluateTokens(manager, u, masks, count);
        }
        try (NDManager scope = manager.newSubManager(model.device())) {
            // Channels-first from the start: Wᵀ (C × r) · (uᵀ ⊙ m) (r × positions) is the
            // perturbed map [C, positions] of each mask row, written once in the cut point's
            // layout (no transpose of the large tensor).
            float[] uT = new float[r * positions];
            for (int q = 0; q < positions; q++) {
                for (int c = 0; c < r; c++) {
                    uT[c * positions + q] = u[q * r + c];
                }
            }
            NDArray uNd = scope.create(uT, new Shape(1, r, positions));
            NDArray wT = w.toNDArray(scope).transpose().duplicate();
            for (int from = 0; from < count; from += batchRows) {
                int to = Math.min(count, from + batchRows);
                try (NDManager batch = scope.newSubManager()) {
                    float[] chunk = new float[(to - from) * r];
                    System.arraycopy(masks, from * r, chunk, 0, chunk.length);
                    NDArray m = batch.create(chunk, new Shape(to - from, r, 1));
                    NDArray perturbed = wT.matMul(uNd.mul(m));
                    if (offset != null) {
                        perturbed = perturbed.add(batch.create(offset, new Shape(1, channels, 1)));
                    }
                    NDArray a = pointShape.length == 3
                            ? perturbed.reshape(to - from, pointShape[0], pointShape[1], pointShape[2])
                            : perturbed.reshape(to - from, channels);
                    try (Trace t = model.run(batch, RunRequest.startingAt(point, a).build())) {
                        float[] y = t.logits().get(new NDIndex(":, {}", classIndex)).toFloatArray();
                        for (int i = 0; i < y.length; i++) {
                            out[from + i] = y[i];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@link #evaluate} at a token cut point: (u ⊙ m)·W (+ μ) is {@code [rows, T, D]} directly. */
    private double[] evaluateTokens(NDManager manager, float[] u, float[] masks, int count) {
        int r = w.rows();
        double[] out = new double[count];
        try (NDManager scope = manager.newSubManager(model.device())) {
            NDArray uNd = scope.create(u, new Shape(1, positions, r));
            NDArray wNd = w.toNDArray(scope);
            for (int from = 0; from < count; from += batchRows) {
                int to = Math.min(count, from + batchRows);
                try (NDManager batch = scope.newSubManager()) {
                    float[] chunk = new float[(to - from) * r];
                    System.arraycopy(masks, from * r, chunk, 0, chunk.length);
                    NDArray m = batch.create(chunk, new Shape(to - from, 1, r));
                    NDArray a = uNd.mul(m).matMul(wNd);
                    if (offset != null) {
                        a = a.add(batch.create(offset, new Shape(1, 1, channels)));
                    }
                    try (Trace t = model.run(batch, RunRequest.startingAt(point, a).build())) {
                        float[] y = t.logits().get(new NDIndex(":, {}", classIndex)).toFloatArray();
                        for (int i = 0; i < y.length; i++) {
                            out[from + i] = y[i];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * {@link #evaluate} for several images with the same masks: {@code [images][count]}. The
     * pooled head runs every image's rows together (a C-vector a row is small, so there are few
     * calls into the engine); the full head one image at a time.
     */
    double[][] evaluateImages(NDManager manager, float[][] us, float[] masks, int count, Runnable afterEach) {
        double[][] out = new double[us.length][];
        if (pooledPoint == null) {
            for (int i = 0; i < us.length; i++) {
                out[i] = evaluate(manager, us[i], masks, count);
                afterEach.run();
            }
            return out;
        }
        int r = w.rows();
        // Rows per engine call: bounded so that a call's [rows, C] stays modest.
        int imagesPerCall = Math.max(1, POOLED_ROWS_PER_CALL / Math.max(1, count));
        for (int from = 0; from < us.length; from += imagesPerCall) {
            int to = Math.min(us.length, from + imagesPerCall);
            float[] masked = new float[(to - from) * count * r];
            for (int i = from; i < to; i++) {
                float[] mean = positionMean(us[i], r);
                int base = (i - from) * count * r;
                for (int row = 0; row < count; row++) {
                    for (int c = 0; c < r; c++) {
                        masked[base + row * r + c] = mean[c] * masks[row * r + c];
                    }
                }
            }
            float[] y = pooledLogits(manager, masked, (to - from) * count);
            for (int i = from; i < to; i++) {
                out[i] = new double[count];
                for (int row = 0; row < count; row++) {
                    out[i][row] = y[(i - from) * count + row];
                }
                afterEach.run();
            }
        }
        return out;
    }

    /** Most mask rows a pooled-head call carries (with C = 2048 channels: 64 MB of activations). */
    static final int POOLED_ROWS_PER_CALL = 8192;

    /** ū: the mean over positions of a {@code positions × r} coefficient map. */
    private float[] positionMean(float[] u, int r) {
        float[] mean = new float[r];
        for (int q = 0; q < positions; q++) {
            for (int c = 0; c < r; c++) {
                mean[c] += u[q * r + c];
            }
        }
        for (int c = 0; c < r; c++) {
            mean[c] /= positions;
        }
        return mean;
    }

    /** Class logits of h run from the pooled point on {@code (masked coefficients)·W}, {@code rows × r}. */
    private float[] pooledLogits(NDManager manager, float[] masked, int rows) {
        try (NDManager scope = manager.newSubManager(model.device())) {
            NDArray a = scope.create(masked, new Shape(rows, w.rows())).matMul(w.toNDArray(scope));
            if (offset != null) {
                a = a.add(scope.create(offset, new Shape(1, channels)));
            }
            if (pooledShape.length == 3) {
                a = a.reshape(rows, pooledShape[0], pooledShape[1], pooledShape[2]);
            }
            try (Trace t = model.run(scope, RunRequest.startingAt(pooledPoint, a).build())) {
                return t.logits().get(new NDIndex(":, {}", classIndex)).toFloatArray();
            }
        }
    }

    /**
     * ∂y/∂u per position and concept for several images at mask 1: {@code (∂y/∂ã_p)·W_cᵀ}, one
     * {@code positions × r} array per image. Samples do not interact, so one backward of the
     * batch sum gives each image's own gradient.
     */
    float[][] coefficientGradients(NDManager manager, float[][] us) {
        int r = w.rows();
        float[][] out = new float[us.length][];
        try (NDManager scope = manager.newSubManager(model.device())) {
            NDArray wNd = w.toNDArray(scope);
            int per = Math.max(1, batchRows / 3); // a gradient run holds about three times the memory
            for (int from = 0; from < us.length; from += per) {
                int to = Math.min(us.length, from + per);
                try (NDManager batch = scope.newSubManager()) {
                    float[] flat = new float[(to - from) * positions * r];
                    for (int i = from; i < to; i++) {
                        System.arraycopy(us[i], 0, flat, (i - from) * positions * r, positions * r);
                    }
                    NDArray rowsByChannel = batch.create(flat, new Shape(to - from, positions, r)).matMul(wNd);
                    if (offset != null) {
                        rowsByChannel = rowsByChannel.add(batch.create(offset, new Shape(1, 1, channels)));
                    }
                    NDArray a = toActivation(rowsByChannel, to - from);
                    RunRequest req = RunRequest.startingAt(point, a).objective(Objective.classLogit(classIndex))
                            .inputGradient().build();
                    try (Trace t = model.run(batch, req)) {
                        NDArray g = tokens ? t.inputGradient().reshape(to - from, positions, channels)
                                : t.inputGradient().reshape(to - from, channels, positions).transpose(0, 2, 1);
                        float[] gu = g.matMul(wNd.transpose()).toFloatArray();
                        for (int i = from; i < to; i++) {
                            out[i] = new float[positions * r];
                            System.arraycopy(gu, (i - from) * positions * r, out[i], 0, positions * r);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@code [batch, positions, C]} to the cut point's layout {@code [batch, C, h, w]} or {@code [batch, C]}. */
    private NDArray toActivation(NDArray rowsByChannel, int batch) {
        if (tokens) {
            return rowsByChannel.reshape(batch, positions, channels);
        }
        if (pointShape.length == 3) {
            return rowsByChannel.transpose(0, 2, 1).reshape(batch, pointShape[0], pointShape[1], pointShape[2]);
        }
        return rowsByChannel.reshape(batch, channels);
    }
}
