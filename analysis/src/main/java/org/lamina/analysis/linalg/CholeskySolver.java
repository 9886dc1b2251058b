package org.lamina.analysis.linalg;

/**
 * Solves {@code H x = b} for a symmetric positive definite {@code H} (row-major, {@code n × n})
 * by Cholesky factorisation {@code H = L Lᵀ}. A matrix that is positive semi-definite only to
 * working precision (the logistic probe's Newton system when every p is 0 or 1; two identical
 * CRAFT concepts in an NNLS active set) gets a tiny diagonal shift, 1e-10 of its largest
 * diagonal, grown a hundredfold per failed attempt.
 */
public final class CholeskySolver {

    private CholeskySolver() {
    }

    /** x with {@code H x = b}. */
    public static double[] solve(double[] h, int n, double[] b) {
        return solveAll(h, n, new double[][] {b})[0];
    }

    /** x_j with {@code H x_j = b_j} for every right-hand side, factorising H once. */
    public static double[][] solveAll(double[] h, int n, double[][] bs) {
        double[] l = new double[n * n];
        double shift = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            if (factor(h, n, l, shift)) {
                double[][] out = new double[bs.length][];
                for (int j = 0; j < bs.length; j++) {
                    out[j] = substitute(l, n, bs[j]);
                }
                return out;
            }
            shift = shift == 0 ? 1e-10 * maxDiagonal(h, n) + 1e-12 : shift * 100;
        }
        throw new ArithmeticException("the " + n + "×" + n + " system is not positive definite");
    }

    private static boolean factor(double[] h, int n, double[] l, double shift) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = h[i * n + j] + (i == j ? shift : 0);
                for (int k = 0; k < j; k++) {
                    sum -= l[i * n + k] * l[j * n + k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        return false;
                    }
                    l[i * n + i] = Math.sqrt(sum);
                } else {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        return true;
    }

    private static double[] substitute(double[] l, int n, double[] b) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i * n + k] * y[k];
            }
            y[i] = sum / l[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k * n + i] * x[k];
            }
            x[i] = sum / l[i * n + i];
        }
        return x;
    }

    private static double maxDiagonal(double[] h, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(h[i * n + i]));
        }
        return m;
    }
}
