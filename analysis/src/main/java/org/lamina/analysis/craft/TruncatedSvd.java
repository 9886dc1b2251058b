package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * The leading singular triplets of a matrix A ({@code n × C}) for NNDSVD initialisation: right
 * vectors are eigenvectors of AᵀA, found by subspace iteration (oversampled by 10) with a
 * Rayleigh–Ritz step solved by cyclic Jacobi; left vectors are A·v/σ. Deterministic for a seed.
 * The Gram product runs on the engine; the small eigenproblems on the host in double.
 */
final class TruncatedSvd {

    private static final int OVERSAMPLING = 10;
    private static final int MAX_SWEEPS = 200;
    private static final int RITZ_EVERY = 10;
    /**
     * Up to this many columns, AᵀA is diagonalised directly by Jacobi (O(C³) per sweep, about
     * 100 ms at C = 128); above it, subspace iteration on rank + 10 vectors (a few ms).
     */
    private static final int DIRECT_LIMIT = 64;

    private final double[] singularValues;
    private final double[][] right;
    private final double[][] left;

    private TruncatedSvd(double[] singularValues, double[][] right, double[][] left) {
        this.singularValues = singularValues;
        this.right = right;
        this.left = left;
    }

    double singularValue(int j) {
        return singularValues[j];
    }

    double[] rightVector(int j) {
        return right[j];
    }

    double[] leftVector(int j) {
        return left[j];
    }

    static TruncatedSvd of(NDManager manager, NDArray a, int rank, long seed) {
        int n = (int) a.getShape().get(0);
        int c = (int) a.getShape().get(1);
        boolean onEngine = a.getDevice().isGpu();
        // On the CPU the products run on the host: for these sizes a libtorch call costs more in
        // JNI and thread hand-off than its arithmetic, and far more on a busy machine.
        float[] aHost = onEngine ? null : a.toType(DataType.FLOAT32, false).toFloatArray();
        double[] gram = new double[c * c];
        if (onEngine) {
            try (NDManager scope = manager.newSubManager()) {
                float[] g = a.transpose().matMul(a).toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    gram[i] = g[i];
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                int bi = i * c;
                for (int p = 0; p < c; p++) {
                    double v = aHost[bi + p];
                    if (v == 0) {
                        continue;
                    }
                    int gp = p * c;
                    for (int q = 0; q < c; q++) {
                        gram[gp + q] += v * aHost[bi + q];
                    }
                }
            }
        }
        int k;
        double[] q;
        double[] values;
        if (c <= DIRECT_LIMIT) {
            // Small C (CNN channels): the whole eigendecomposition of AᵀA is cheap and exact.
            double[][] eig = jacobi(gram, c);
            k = c;
            values = eig[0];
            q = eig[1];
        } else {
            // Large C: orthogonal iteration on an oversampled subspace, Rayleigh–Ritz every
            // few steps until the leading Ritz values settle.
            k = Math.min(c, rank + OVERSAMPLING);
            q = NonNegativeFactorization.gaussian(c, k, seed);
            orthonormaliseColumns(q, c, k);
            values = new double[k];
            double[] previous = new double[k];
            for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
                q = multiply(gram, c, c, q, k);
                orthonormaliseColumns(q, c, k);
                if (sweep % RITZ_EVERY != 0 && sweep != MAX_SWEEPS) {
                    continue;
                }
                double[] gq = multiply(gram, c, c, q, k);
                double[] t = new double[k * k];
                for (int a1 = 0; a1 < k; a1++) {
                    for (int b = 0; b < k; b++) {
                        double sum = 0;
                        for (int i = 0; i < c; i++) {
                            sum += q[i * k + a1] * gq[i * k + b];
                        }
                        t[a1 * k + b] = sum;
                    }
                }
                double[][] eig = jacobi(t, k);
                values = eig[0];
                q = multiply(q, c, k, eig[1], k);
                double change = 0;
                for (int j = 0; j < rank; j++) {
                    change = Math.max(change, Math.abs(values[j] - previous[j]) / Math.max(Math.abs(values[0]), 1e-30));
                }
                System.arraycopy(values, 0, previous, 0, k);
                if (change < 1e-9) {
                    break;
                }
            }
        }
        double[][] vectors;
        vectors = new double[rank][c];
        double[] sv = new double[rank];
        for (int j = 0; j < rank; j++) {
            for (int i = 0; i < c; i++) {
                vectors[j][i] = q[i * k + j];
            }
            sv[j] = Math.sqrt(Math.max(values[j], 0));
        }
        double[][] lefts = new double[rank][n];
        if (!onEngine) {
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int p = 0; p < c; p++) {
                        s += aHost[i * c + p] * vectors[j][p];
                    }
                    lefts[j][i] = sv[j] > 0 ? s / sv[j] : 0;
                }
            }
            return new TruncatedSvd(sv, vectors, lefts);
        }
        try (NDManager scope = manager.newSubManager()) {
            float[] v = new float[c * rank];
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < c; i++) {
                    v[i * rank + j] = (float) vectors[j][i];
                }
            }
            NDArray vNd = scope.create(v, new Shape(c, rank)).toDevice(a.getDevice(), false);
            float[] av = a.matMul(vNd).toFloatArray();
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < n; i++) {
                    lefts[j][i] = sv[j] > 0 ? av[i * rank + j] / sv[j] : 0;
                }
            }
        }
        return new TruncatedSvd(sv, vectors, lefts);
    }

    /** {@code x (rows × inner) · y (inner × k)}, row-major. */
    private static double[] multiply(double[] x, int rows, int inner, double[] y, int k) {
        double[] out = new double[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int m = 0; m < inner; m++) {
                double v = x[i * inner + m];
                if (v == 0) {
                    continue;
                }
                int yb = m * k;
                int ob = i * k;
                for (int j = 0; j < k; j++) {
                    out[ob + j] += v * y[yb + j];
                }
            }
        }
        return out;
    }

    /** Modified Gram–Schmidt on the columns of a {@code rows × k} matrix, in place. */
    private static void orthonormaliseColumns(double[] x, int rows, int k) {
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) {
                    dot += x[i * k + j] * x[i * k + p];
                }
                for (int i = 0; i < rows; i++) {
                    x[i * k + j] -= dot * x[i * k + p];
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += x[i * k + j] * x[i * k + j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                x[i * k + j] = norm > 1e-300 ? x[i * k + j] / norm : 0;
            }
        }
    }

    /**
     * Eigen-decomposition of a symmetric {@code k × k} matrix by cyclic Jacobi rotations. Returns
     * {eigenvalues descending, eigenvectors as columns of a row-major k × k matrix}.
     */
    static double[][] jacobi(double[] sym, int k) {
        double[] a = sym.clone();
        double[] v = new double[k * k];
        for (int i = 0; i < k; i++) {
            v[i * k + i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++) {
                    double x = a[p * k + q] * a[p * k + q];
                    total += x;
                    if (p != q) {
                        off += x;
                    }
                }
            }
            if (off <= 1e-30 * Math.max(total, 1e-300)) {
                break;
            }
            for (int p = 0; p < k - 1; p++) {
                for (int q = p + 1; q < k; q++) {
                    double apq = a[p * k + q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double cs = 1 / Math.sqrt(t * t + 1);
                    double sn = t * cs;
                    for (int r = 0; r < k; r++) {
                        double arp = a[r * k + p];
                        double arq = a[r * k + q];
                        a[r * k + p] = cs * arp - sn * arq;
                        a[r * k + q] = sn * arp + cs * arq;
                    }
                    for (int r = 0; r < k; r++) {
                        double apr = a[p * k + r];
                        double aqr = a[q * k + r];
                        a[p * k + r] = cs * apr - sn * aqr;
                        a[q * k + r] = sn * apr + cs * aqr;
                    }
                    for (int r = 0; r < k; r++) {
                        double vrp = v[r * k + p];
                        double vrq = v[r * k + q];
                        v[r * k + p] = cs * vrp - sn * vrq;
                        v[r * k + q] = sn * vrp + cs * vrq;
                    }
                }
            }
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        final double[] diag = new double[k];
        for (int i = 0; i < k; i++) {
            diag[i] = a[i * k + i];
        }
        Arrays.sort(order, (x, y) -> Double.compare(diag[y], diag[x]));
        double[] values = new double[k];
        double[] vectors = new double[k * k];
        for (int j = 0; j < k; j++) {
            values[j] = diag[order[j]];
            for (int r = 0; r < k; r++) {
                vectors[r * k + j] = v[r * k + order[j]];
            }
        }
        return new double[][] {values, vectors};
    }
}
