package org.lamina.analysis.craft;

import org.lamina.analysis.linalg.CholeskySolver;

/**
 * Concept attribution maps in the paper's mode (Fel et al., CVPR 2023, §3.3;
 * shared/specs/craft.md §Concept attribution maps, "Paper version"): the gradient of a concept
 * coefficient u_c through the NNLS encoding, by implicit differentiation of its KKT system,
 * combined with Grad-CAM at the cut point.
 *
 * <p>For an image with cut-point map A ({@code positions × C}) and pooled activation
 * ā = mean_p A_p, let û = argmin_{u ≥ 0} ½||ā − u·W||² + ½·l2·||u||² (the encoding CRAFT uses)
 * and S its active set (û_j &gt; 0). On S the KKT conditions are the normal equations
 * (W_S·W_Sᵀ + l2·I)·û_S = W_S·ā, so locally ∂û_S/∂ā = J = (W_S·W_Sᵀ + l2·I)⁻¹·W_S and
 * ∂û_c/∂ā = 0 for c ∉ S. Grad-CAM weights each channel by its spatially averaged gradient:
 * ∂û_c/∂A_{p,k} = J_{c,k}/P at every position, so the map is
 * max(0, Σ_k J_{c,k}·A_{p,k}) (the constant 1/P drops out in {@link ConceptMaps#render}). Its
 * spatial mean before the ReLU is exactly û_c (J·ā = û_S), so the map splits the image's
 * coefficient over positions. Needs no model pass: only A, W and û.
 */
public final class NnlsGradCam {

    private NnlsGradCam() {
    }

    /**
     * Maps of every image, {@code positions × r} row-major each.
     *
     * @param positionMajor g(x) of the images, {@code images × positions × C}
     * @param codes         û of each image's pooled activation, {@code images × r}
     * @param w             the concept bank, {@code r × C}
     * @param l2            the encoding's ridge (C·alpha_W)
     */
    public static float[][] maps(float[] positionMajor, int images, int positions, RowMajorMatrix codes, RowMajorMatrix w,
                                 double l2) {
        int r = w.rows();
        int c = w.cols();
        float[][] out = new float[images][positions * r];
        for (int i = 0; i < images; i++) {
            int[] active = active(codes.row(i));
            double[][] j = jacobian(active, w, l2);
            for (int p = 0; p < positions; p++) {
                int base = (i * positions + p) * c;
                for (int s = 0; s < active.length; s++) {
                    double v = 0;
                    for (int k = 0; k < c; k++) {
                        v += j[s][k] * positionMajor[base + k];
                    }
                    out[i][p * r + active[s]] = (float) Math.max(0, v);
                }
            }
        }
        return out;
    }

    /** Indices of the strictly positive coefficients. */
    static int[] active(float[] code) {
        return java.util.stream.IntStream.range(0, code.length).filter(j -> code[j] > 0).toArray();
    }

    /**
     * ∂û_S/∂ā = (W_S·W_Sᵀ + l2·I)⁻¹·W_S for the active concepts {@code s} ({@link #active}), one row each,
     * solved by Cholesky ({@link CholeskySolver}, which shifts the diagonal of a Gram matrix
     * singular to working precision, e.g. two identical concept rows).
     */
    static double[][] jacobian(int[] s, RowMajorMatrix w, double l2) {
        int m = s.length;
        int c = w.cols();
        double[] gram = new double[m * m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b <= a; b++) {
                double v = 0;
                for (int k = 0; k < c; k++) {
                    v += (double) w.get(s[a], k) * w.get(s[b], k);
                }
                gram[a * m + b] = v;
                gram[b * m + a] = v;
            }
            gram[a * m + a] += l2;
        }
        // One right-hand side per channel: column k of W_S.
        double[][] rhs = new double[c][m];
        for (int k = 0; k < c; k++) {
            for (int a = 0; a < m; a++) {
                rhs[k][a] = w.get(s[a], k);
            }
        }
        double[][] x = CholeskySolver.solveAll(gram, m, rhs);
        double[][] out = new double[m][c];
        for (int k = 0; k < c; k++) {
            for (int a = 0; a < m; a++) {
                out[a][k] = x[k][a];
            }
        }
        return out;
    }
}
