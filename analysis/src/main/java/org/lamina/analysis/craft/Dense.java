package org.lamina.analysis.craft;

/**
 * Small dense products in double on the host, for the decompositions other than NMF
 * ({@link Decomposition}): their matrices are crop activations (thousands × C ≤ a few thousand)
 * and r ≤ a few dozen concepts, so plain loops over row-major arrays are enough.
 */
final class Dense {

    private Dense() {
    }

    /** A as doubles, row-major {@code rows × cols}. */
    static double[] of(RowMajorMatrix a) {
        double[] out = new double[a.values().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.values()[i];
        }
        return out;
    }

    /** X·Yᵀ for X {@code n × c}, Y {@code m × c}: {@code n × m}. */
    static double[] timesTransposed(double[] x, int n, double[] y, int m, int c) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                int a = i * c;
                int b = j * c;
                for (int k = 0; k < c; k++) {
                    s += x[a + k] * y[b + k];
                }
                out[i * m + j] = s;
            }
        }
        return out;
    }

    /** Xᵀ·Y for X {@code n × a}, Y {@code n × b}: {@code a × b}. */
    static double[] transposedTimes(double[] x, int a, double[] y, int b, int n) {
        double[] out = new double[a * b];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < a; p++) {
                double v = x[i * a + p];
                if (v == 0) {
                    continue;
                }
                int o = p * b;
                int yo = i * b;
                for (int q = 0; q < b; q++) {
                    out[o + q] += v * y[yo + q];
                }
            }
        }
        return out;
    }

    /** ||A − U·W||²_F (+ offset added to every row of U·W when not null). */
    static double residual(double[] a, int n, int c, double[] u, double[] w, int r, double[] offset) {
        double s = 0;
        double[] row = new double[c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                row[k] = offset == null ? 0 : offset[k];
            }
            for (int j = 0; j < r; j++) {
                double v = u[i * r + j];
                if (v == 0) {
                    continue;
                }
                int wo = j * c;
                for (int k = 0; k < c; k++) {
                    row[k] += v * w[wo + k];
                }
            }
            int ao = i * c;
            for (int k = 0; k < c; k++) {
                double d = a[ao + k] - row[k];
                s += d * d;
            }
        }
        return s;
    }

    static double squaredNorm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return s;
    }

    /** Gram matrix W·Wᵀ of the rows of W ({@code r × c}). */
    static double[] rowGram(double[] w, int r, int c) {
        return timesTransposed(w, r, w, r, c);
    }
}
