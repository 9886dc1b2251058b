package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A dense float matrix, row-major: the plain-data form in which CRAFT's A (crop activations),
 * U (concept coefficients) and W (concept bank) travel between the engine, JSON and NPZ.
 *
 * @param rows   number of rows
 * @param cols   number of columns
 * @param values {@code rows × cols} values, row-major
 */
public record RowMajorMatrix(int rows, int cols, float[] values) {

    public RowMajorMatrix {
        if (rows < 0 || cols < 0 || values.length != (long) rows * cols) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + "×" + cols + " matrix");
        }
    }

    /** Value at (i, j). */
    public float get(int i, int j) {
        return values[i * cols + j];
    }

    /** Row i as a new array. */
    public float[] row(int i) {
        float[] out = new float[cols];
        System.arraycopy(values, i * cols, out, 0, cols);
        return out;
    }

    /** Column j as a new array. */
    public float[] column(int j) {
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = values[i * cols + j];
        }
        return out;
    }

    /** The matrix as a tensor {@code [rows, cols]} in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(values, new Shape(rows, cols));
    }

    /** A 2-D tensor as a matrix (copied to the host). */
    public static RowMajorMatrix of(NDArray array) {
        Shape s = array.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("expected a matrix, got shape " + s);
        }
        return new RowMajorMatrix((int) s.get(0), (int) s.get(1), array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
    }

    /** From doubles. */
    static RowMajorMatrix of(int rows, int cols, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new RowMajorMatrix(rows, cols, f);
    }

    /** Frobenius norm. */
    public double frobeniusNorm() {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** The smallest value (+∞ for an empty matrix). */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }
}
