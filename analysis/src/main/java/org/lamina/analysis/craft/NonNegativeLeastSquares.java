package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Encodes new activations in a fixed concept bank: for every row a of X, the coefficients
 * u ≥ 0 minimising ½||a − u·W||² (+ ½·α_W·C·||u||²) — CRAFT's {@code transform}
 * (shared/specs/craft.md §Pipeline step 5), solved like scikit-learn's {@code NMF.transform}:
 * coordinate descent with W fixed, started from √(mean(X)/r), until the projected-gradient
 * violation falls below {@code tolerance} of the first sweep's.
 */
public final class NonNegativeLeastSquares {

    private NonNegativeLeastSquares() {
    }

    /** Coefficients {@code [rows, r]} of every row of {@code x} ({@code [rows, C]}, on any device). */
    public static RowMajorMatrix encode(NDManager manager, NDArray x, RowMajorMatrix w, NmfSettings settings) {
        int rows = (int) x.getShape().get(0);
        int c = (int) x.getShape().get(1);
        int r = w.rows();
        if (w.cols() != c) {
            throw new IllegalArgumentException("cannot encode " + c + "-channel activations with a concept bank of "
                    + w.cols() + " channels");
        }
        double[] cross;
        double mean;
        try (NDManager scope = manager.newSubManager()) {
            NDArray wNd = w.toNDArray(scope).toDevice(x.getDevice(), false);
            float[] xw = x.matMul(wNd.transpose()).toFloatArray();
            cross = new double[xw.length];
            for (int i = 0; i < xw.length; i++) {
                cross[i] = xw[i];
            }
            mean = x.mean().getFloat();
        }
        double[] wT = new double[c * r];
        for (int k = 0; k < r; k++) {
            for (int j = 0; j < c; j++) {
                wT[j * r + k] = w.get(k, j);
            }
        }
        double[] gram = CoordinateDescent.gram(wT, c, r);
        double[] u = new double[rows * r];
        java.util.Arrays.fill(u, Math.sqrt(Math.max(mean, 0) / r));
        double l2 = c * settings.alphaW();
        double first = 0;
        for (int it = 1; it <= settings.maxIterations(); it++) {
            double violation = CoordinateDescent.sweep(u, rows, r, gram, cross, l2);
            if (it == 1) {
                first = violation;
            }
            if (first == 0 || violation / first <= settings.tolerance()) {
                break;
            }
        }
        return RowMajorMatrix.of(rows, r, u);
    }
}
