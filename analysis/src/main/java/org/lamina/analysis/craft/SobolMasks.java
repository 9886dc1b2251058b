package org.lamina.analysis.craft;

/**
 * The concept masks of CRAFT's Sobol estimation (shared/specs/craft.md §Sobol; Fel et al. 2023
 * §3.3, after Saltelli's scheme): a Halton design in dimension 2r gives A (first r columns) and B
 * (last r columns); C⁽ⁱ⁾ is A with column i taken from B. Rows are {@code [A; B; C⁽¹⁾ … C⁽ʳ⁾]},
 * N(r+2) of them. B's own outputs are not used by the Jansen estimator, so
 * {@link #withoutB()} drops them and saves N evaluations per image with identical results.
 *
 * @param rank    r, the number of concepts
 * @param designs N, the number of designs
 * @param rows    the masks, {@code [rows][r]}, values in [0, 1)
 * @param hasB    whether the B block is present (rows N..2N−1)
 */
public record SobolMasks(int rank, int designs, double[][] rows, boolean hasB) {

    /** Default number of designs (the reference's {@code nb_design}). */
    public static final int DEFAULT_DESIGNS = 32;

    /** All N(r+2) masks {@code [A; B; C⁽¹⁾ … C⁽ʳ⁾]}. */
    public static SobolMasks of(int rank, int designs) {
        if (rank < 1 || designs < 2) {
            throw new IllegalArgumentException("Sobol masks need rank ≥ 1 and designs ≥ 2, got " + rank + " and " + designs);
        }
        double[][] h = HaltonSequence.points(2 * rank, designs);
        double[][] rows = new double[designs * (rank + 2)][rank];
        for (int k = 0; k < designs; k++) {
            for (int j = 0; j < rank; j++) {
                rows[k][j] = h[k][j];
                rows[designs + k][j] = h[k][rank + j];
            }
        }
        for (int i = 0; i < rank; i++) {
            for (int k = 0; k < designs; k++) {
                double[] row = rows[(2 + i) * designs + k];
                System.arraycopy(h[k], 0, row, 0, rank);
                row[i] = h[k][rank + i];
            }
        }
        return new SobolMasks(rank, designs, rows, true);
    }

    /** The same masks without B: {@code [A; C⁽¹⁾ … C⁽ʳ⁾]}, N(r+1) rows. */
    public SobolMasks withoutB() {
        if (!hasB) {
            return this;
        }
        double[][] out = new double[designs * (rank + 1)][];
        for (int k = 0; k < designs; k++) {
            out[k] = rows[k];
        }
        for (int k = designs * 2; k < rows.length; k++) {
            out[k - designs] = rows[k];
        }
        return new SobolMasks(rank, designs, out, false);
    }

    /** The masks as one row-major float array {@code [rows × r]}. */
    public float[] flat() {
        float[] out = new float[rows.length * rank];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rank; j++) {
                out[i * rank + j] = (float) rows[i][j];
            }
        }
        return out;
    }

    /** Row index where block C⁽ⁱ⁾ (i from 0) starts. */
    public int cStart(int i) {
        return (hasB ? 2 + i : 1 + i) * designs;
    }
}
