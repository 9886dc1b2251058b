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

    ConceptHead(ProbeableModel model, String point, long[] pointShape, RowMajorMatrix w, int classIndex, int batchRows) {
        this.model = model;
        this.point = point;
        this.pointShape = pointShape.clone();
        this.channels = (int) pointShape[0];
        this.positions = pointShape.length == 3 ? (int) (pointShape[1] * pointShape[2]) : 1;
        this.w = w;
        this.classIndex = classIndex;
        this.batchRows = Math.max(1, batchRows);
    }

    int positions() {
        return positions;
    }

    /** Class logit for every mask row: {@code masks} is {@code [count × r]} row-major. */
    double[] evaluate(NDManager manager, float[] u, float[] masks, int count) {
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
                    NDArray a = toActivation(uNd.mul(m).matMul(wNd), to - from);
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
                    NDArray a = toActivation(batch.create(flat, new Shape(to - from, positions, r)).matMul(wNd), to - from);
                    RunRequest req = RunRequest.startingAt(point, a).objective(Objective.classLogit(classIndex))
                            .inputGradient().build();
                    try (Trace t = model.run(batch, req)) {
                        NDArray g = t.inputGradient().reshape(to - from, channels, positions).transpose(0, 2, 1);
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
        if (pointShape.length == 3) {
            return rowsByChannel.transpose(0, 2, 1).reshape(batch, pointShape[0], pointShape[1], pointShape[2]);
        }
        return rowsByChannel.reshape(batch, channels);
    }
}
