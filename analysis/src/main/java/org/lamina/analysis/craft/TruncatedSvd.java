package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.linalg.DoubleLoops;

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
        // JNI and thread hand-off than its arithmetic, and far more on a busy machine. Host
        // matrices are one array per row so that the products vectorise (see HostProducts).
        RowMajorMatrix aHost = onEngine ? null
                : new RowMajorMatrix(n, c, a.toType(DataType.FLOAT32, false).toFloatArray());
        float[][] aColumns = onEngine ? null : HostProducts.columns(aHost);
        double[][] gram = new double[c][c];
        if (onEngine) {
            try (NDManager scope = manager.newSubManager()) {
                float[] g = a.transpose().matMul(a).toType(DataType.FLOAT32, false).toFloatArray();
                for (int p = 0; p < c; p++) {
                    for (int q = 0; q < c; q++) {
                        gram[p][q] = g[p * c + q];
                    }
                }
            }
        } else {
            // AᵀA in float (sums of n products; the eigenvectors only seed the NMF).
            float[][] g = new float[c][c];
            HostProducts.combine(HostProducts.rows(aHost), aColumns, g, 0, c);
            for (int p = 0; p < c; p++) {
                for (int q = 0; q < c; q++) {
                    gram[p][q] = g[p][q];
                }
            }
        }
        int k;
        double[][] q; // k columns of length c
        double[] values;
        if (c <= DIRECT_LIMIT) {
            // Small C (CNN channels): the whole eigendecomposition of AᵀA is cheap and exact.
            double[] flat = new double[c * c];
            for (int p = 0; p < c; p++) {
                System.arraycopy(gram[p], 0, flat, p * c, c);
            }
            double[][] eig = jacobi(flat, c);
            k = c;
            values = eig[0];
            q = columnsOf(eig[1], c, c);
        } else {
            // Large C: orthogonal iteration on an oversampled subspace, Rayleigh–Ritz every
            // few steps until the leading Ritz values settle.
            k = Math.min(c, rank + OVERSAMPLING);
            q = columnsOf(NonNegativeFactorization.gaussian(c, k, seed), c, k);
            orthonormalise(q);
            values = new double[k];
            double[] previous = new double[k];
            double[][] next = new double[k][c];
            for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
                // AᵀA is symmetric: (AᵀA)·q_j = Σ_m q_j[m] · row m of AᵀA.
                combine(gram, q, next);
                double[][] swap = q;
                q = next;
                next = swap;
                orthonormalise(q);
                if (sweep % RITZ_EVERY != 0 && sweep != MAX_SWEEPS) {
                    continue;
                }
                combine(gram, q, next);
                double[] t = new double[k * k];
                for (int a1 = 0; a1 < k; a1++) {
                    for (int b = 0; b < k; b++) {
                        t[a1 * k + b] = DoubleLoops.dot(q[a1], next[b]);
                    }
                }
                double[][] eig = jacobi(t, k);
                values = eig[0];
                // q ← q·V: new column j = Σ_a V[a][j] · q_a.
                double[][] vColumns = columnsOf(eig[1], k, k);
                combine(q, vColumns, next);
                swap = q;
                q = next;
                next = swap;
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
        double[][] vectors = new double[rank][];
        double[] sv = new double[rank];
        for (int j = 0; j < rank; j++) {
            vectors[j] = q[j].clone();
            sv[j] = Math.sqrt(Math.max(values[j], 0));
        }
        double[][] lefts = new double[rank][n];
        if (!onEngine) {
            // A·v_j = Σ_p v_j[p] · column p of A.
            float[][] v = new float[rank][c];
            for (int j = 0; j < rank; j++) {
                for (int p = 0; p < c; p++) {
                    v[j][p] = (float) vectors[j][p];
                }
            }
            float[][] av = new float[rank][n];
            HostProducts.combine(aColumns, v, av, 0, n);
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < n; i++) {
                    lefts[j][i] = sv[j] > 0 ? av[j][i] / sv[j] : 0;
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

    /** The k columns of a row-major {@code rows × k} matrix, one array each. */
    private static double[][] columnsOf(double[] x, int rows, int k) {
        double[][] out = new double[k][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                out[j][i] = x[i * k + j];
            }
        }
        return out;
    }

    /** {@code out[j] = Σ_m coef[j][m] · rows[m]} (double twin of {@link HostProducts#combine}). */
    private static void combine(double[][] rows, double[][] coef, double[][] out) {
        int m = rows.length;
        for (int j = 0; j < out.length; j++) {
            double[] o = out[j];
            double[] cj = coef[j];
            java.util.Arrays.fill(o, 0);
            int k = 0;
            for (; k + 3 < m; k += 4) {
                DoubleLoops.addFour(o, cj[k], rows[k], cj[k + 1], rows[k + 1], cj[k + 2], rows[k + 2], cj[k + 3], rows[k + 3],
                        0, o.length);
            }
            for (; k < m; k++) {
                DoubleLoops.addScaled(o, cj[k], rows[k], 0, o.length);
            }
        }
    }

    /** Modified Gram–Schmidt on columns held one array each, in place. */
    private static void orthonormalise(double[][] x) {
        for (int j = 0; j < x.length; j++) {
            double[] xj = x[j];
            for (int p = 0; p < j; p++) {
                double d = DoubleLoops.dot(xj, x[p]);
                double[] xp = x[p];
                for (int i = 0; i < xj.length; i++) {
                    xj[i] -= d * xp[i];
                }
            }
            double norm = Math.sqrt(DoubleLoops.dot(xj, xj));
            for (int i = 0; i < xj.length; i++) {
                xj[i] = norm > 1e-300 ? xj[i] / norm : 0;
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
