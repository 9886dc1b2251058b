package org.lamina.analysis.craft;

/**
 * The two skinny products of an NMF sweep on the host, written so that the inner loops run over
 * contiguous rows of A (which the JIT vectorises): {@code A·Wᵀ} and {@code Aᵀ·U}.
 */
final class HostProducts {

    private HostProducts() {
    }

    /**
     * {@code A (n × C) · Wᵀ}, given {@code aT} = Aᵀ ({@code C × n} row-major) and {@code wT} = Wᵀ
     * ({@code C × r}); result {@code n × r}. Accumulated as r·C length-n axpys over Aᵀ's rows.
     */
    static double[] timesTransposed(float[] aT, int n, int c, double[] wT, int r) {
        float[][] acc = new float[r][n];
        for (int k = 0; k < c; k++) {
            int base = k * n;
            for (int j = 0; j < r; j++) {
                float w = (float) wT[k * r + j];
                if (w == 0) {
                    continue;
                }
                float[] row = acc[j];
                for (int i = 0; i < n; i++) {
                    row[i] += w * aT[base + i];
                }
            }
        }
        double[] out = new double[n * r];
        for (int j = 0; j < r; j++) {
            float[] row = acc[j];
            for (int i = 0; i < n; i++) {
                out[i * r + j] = row[i];
            }
        }
        return out;
    }

    /** The transpose of a row-major matrix's values. */
    static float[] transpose(RowMajorMatrix a) {
        float[] t = new float[a.values().length];
        int n = a.rows();
        int c = a.cols();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                t[k * n + i] = a.values()[i * c + k];
            }
        }
        return t;
    }

    /** {@code Aᵀ (C × n) · U (n × r)}; result {@code C × r}. */
    static double[] transposedTimes(RowMajorMatrix a, double[] u, int r) {
        int n = a.rows();
        int c = a.cols();
        float[] av = a.values();
        float[][] acc = new float[r][c];
        for (int i = 0; i < n; i++) {
            int base = i * c;
            for (int j = 0; j < r; j++) {
                float uij = (float) u[i * r + j];
                if (uij == 0) {
                    continue;
                }
                float[] row = acc[j];
                for (int k = 0; k < c; k++) {
                    row[k] += uij * av[base + k];
                }
            }
        }
        double[] out = new double[c * r];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < r; j++) {
                out[k * r + j] = acc[j][k];
            }
        }
        return out;
    }
}
