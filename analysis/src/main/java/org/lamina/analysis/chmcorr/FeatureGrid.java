package org.lamina.analysis.chmcorr;

/**
 * One image's last spatial feature map seen as G×G cells of C channels. Cell index
 * {@code i = row * G + col} everywhere in this package (masks, CC maps, similarities): the
 * reference code scores with a transposed index while drawing with the correct one
 * (spec, "Quirk"); here a single convention is used for both.
 */
public final class FeatureGrid {

    private final int grid;
    private final int channels;
    private final float[] cells;
    private final double[] norms;
    private final float[] mean;

    private FeatureGrid(int grid, int channels, float[] cells) {
        this.grid = grid;
        this.channels = channels;
        this.cells = cells;
        int n = grid * grid;
        norms = new double[n];
        mean = new float[channels];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                float v = cells[i * channels + c];
                s += (double) v * v;
                mean[c] += v;
            }
            norms[i] = Math.sqrt(s);
        }
        for (int c = 0; c < channels; c++) {
            mean[c] /= n;
        }
    }

    /** From a channel-first activation {@code [C, G, G]} (row-major, as a model returns it). */
    public static FeatureGrid fromChw(float[] chw, int channels, int grid) {
        int n = grid * grid;
        if (chw.length != channels * n) {
            throw new IllegalArgumentException("feature map has " + chw.length + " values, expected " + channels + "x"
                    + grid + "x" + grid);
        }
        float[] cells = new float[n * channels];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) {
                cells[i * channels + c] = chw[c * n + i];
            }
        }
        return new FeatureGrid(grid, channels, cells);
    }

    /** From a position-major map {@code [G·G, C]} (cell {@code row * G + col}), e.g. {@code SpatialLayout#positionMajor}. */
    public static FeatureGrid fromPositionMajor(float[] cells, int channels, int grid) {
        if (cells.length != channels * grid * grid) {
            throw new IllegalArgumentException("feature map has " + cells.length + " values, expected " + grid + "x" + grid
                    + "x" + channels);
        }
        return new FeatureGrid(grid, channels, cells);
    }

    /** G. */
    public int grid() {
        return grid;
    }

    /** C. */
    public int channels() {
        return channels;
    }

    /** G². */
    public int cellCount() {
        return grid * grid;
    }

    /** Spatial mean feature (the pooled vector), a copy. */
    public float[] pooled() {
        return mean.clone();
    }

    double norm(int cell) {
        return norms[cell];
    }

    /** Dot product of cell {@code i} with a C-vector. */
    double dot(int cell, float[] v) {
        double s = 0;
        int o = cell * channels;
        for (int c = 0; c < channels; c++) {
            s += (double) cells[o + c] * v[c];
        }
        return s;
    }

    /** Cosine similarity of this grid's cell i and another grid's cell j (0 when either is zero). */
    double cosine(int i, FeatureGrid other, int j) {
        double d = norms[i] * other.norms[j];
        if (d == 0) {
            return 0;
        }
        double s = 0;
        int a = i * channels;
        int b = j * other.channels;
        for (int c = 0; c < channels; c++) {
            s += (double) cells[a + c] * other.cells[b + c];
        }
        return s / d;
    }

    /** All G²×G² cell cosines, {@code [i][j]} = cos(this cell i, other cell j). */
    public double[][] cosineMatrix(FeatureGrid other) {
        if (other.channels != channels || other.grid != grid) {
            throw new IllegalArgumentException("feature grids differ: " + channels + "x" + grid + "x" + grid + " vs "
                    + other.channels + "x" + other.grid + "x" + other.grid);
        }
        int n = cellCount();
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = cosine(i, other, j);
            }
        }
        return m;
    }
}
