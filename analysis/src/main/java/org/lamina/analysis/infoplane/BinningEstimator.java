package org.lamina.analysis.infoplane;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binning estimator of Shwartz-Ziv &amp; Tishby (2017) and Saxe et al. (2018). Every activation
 * goes to a cell; each sample's vector of cells is one discrete symbol of T. Because X is
 * uniform over distinct inputs and the network is deterministic, I(X;T) = H(T), and
 * I(T;Y) = H(T) − Σ_y p(y) H(T | Y=y), all in bits.
 *
 * <p>Two cell rules: <b>by count</b> — edges {@code linspace(−1, 1, bins)} rounded to float32 as
 * in ibsgd's {@code simplebinmi.py}, and the cell of {@code a} is {@code np.digitize(a, edges) − 1}
 * ({@code bins − 1} cells on [−1, 1)); what happens outside [−1, 1) is a {@link CountBinning}:
 * {@link CountBinning#IDNN} (the reference code's extra symbol for values ≥ 1, onto which values
 * &lt; −1 wrap; default) or {@link CountBinning#CLAMP} (the end cells). The search is done on the
 * float32 edges with the float32 activation, so cells agree with numpy's even for a value equal
 * to an edge. <b>By size</b> — cell {@code floor(a / size)} with no range (Saxe's
 * {@code binsize = 0.07}), suitable for unbounded ReLU activations.
 *
 * <p>Entropies come from sorting one 64-bit key per sample: O(N·d) to build the keys plus
 * O(N log N) to count, with no per-sample jobs. The key is an exact mixed-radix code of the cells
 * when it fits in 63 bits, otherwise rows are interned to ids through a hash map (still exact).
 */
public final class BinningEstimator implements MutualInformationEstimator {

    private final boolean bySize;
    private final int bins;
    private final double size;
    private final CountBinning rule;
    private final float[] edges;

    private BinningEstimator(boolean bySize, int bins, double size, CountBinning rule) {
        this.bySize = bySize;
        this.bins = bins;
        this.size = size;
        this.rule = rule;
        this.edges = bySize ? null : edges(bins);
    }

    /**
     * Binning by count with the reference code's rule ({@link CountBinning#IDNN}): {@code bins}
     * edges evenly spaced on [−1, 1] (default 30, i.e. 29 cells, plus the symbol for values ≥ 1).
     */
    public static BinningEstimator byCount(int bins) {
        return byCount(bins, CountBinning.IDNN);
    }

    /** Binning by count: {@code bins} edges evenly spaced on [−1, 1], values outside [−1, 1) per {@code rule}. */
    public static BinningEstimator byCount(int bins, CountBinning rule) {
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2 (edges on [−1, 1]), got " + bins);
        }
        if (rule == null) {
            throw new IllegalArgumentException("binning must be idnn or clamp, got nothing");
        }
        return new BinningEstimator(false, bins, Double.NaN, rule);
    }

    /**
     * {@code np.linspace(−1, 1, bins, dtype='float32')}: numpy computes {@code i·step + start} in
     * float64, sets the last edge to exactly 1, then rounds to float32.
     */
    static float[] edges(int bins) {
        double step = 2.0 / (bins - 1);
        float[] e = new float[bins];
        for (int i = 0; i < bins; i++) {
            e[i] = (float) (i * step + -1.0);
        }
        e[bins - 1] = 1f;
        return e;
    }

    /** Binning by size: cell {@code floor(a / size)} (default 0.07), no range. */
    public static BinningEstimator bySize(double size) {
        if (!(size > 0) || Double.isInfinite(size)) {
            throw new IllegalArgumentException("bin size must be a positive number, got " + size);
        }
        return new BinningEstimator(true, 0, size, null);
    }

    @Override
    public String name() {
        return bySize ? "binsize" : "binning";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (bySize) {
            p.put("binSize", size);
        } else {
            p.put("bins", bins);
            p.put("range", new double[] {-1, 1});
            p.put("binning", rule.id());
            p.put("outOfRange", rule == CountBinning.IDNN
                    ? "IDNN: values >= 1 get one extra symbol, values < -1 wrap onto it (np.digitize as in ibsgd/IDNNs)"
                    : "clamped to the end cells");
        }
        return p;
    }

    @Override
    public InformationEstimate estimate(float[] activations, int n, int d, int[] labels) {
        int classes = MutualInformationEstimator.checkArguments(activations, n, d, labels);
        long[] keys = keys(activations, n, d);
        double hT = entropyBits(keys.clone());
        double conditional = 0;
        for (int c = 0; c < classes; c++) {
            int count = 0;
            for (int y : labels) {
                if (y == c) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            long[] sub = new long[count];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] == c) {
                    sub[k++] = keys[i];
                }
            }
            conditional += (double) count / n * entropyBits(sub);
        }
        return InformationEstimate.of(hT, Math.max(0, hT - conditional));
    }

    /** Cell index of every activation, row-major. */
    int[] cells(float[] activations) {
        int[] cells = new int[activations.length];
        if (bySize) {
            for (int i = 0; i < cells.length; i++) {
                double q = Math.floor(activations[i] / size);
                cells[i] = (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, q));
            }
        } else {
            int last = bins - 2;
            boolean idnn = rule == CountBinning.IDNN;
            for (int i = 0; i < cells.length; i++) {
                int c = digitize(activations[i]) - 1;
                if (idnn) {
                    // bins[digitize − 1]: ≥ 1 is index bins − 1, and < −1 is index −1, the same edge
                    cells[i] = c < 0 ? bins - 1 : c;
                } else {
                    cells[i] = c < 0 ? 0 : Math.min(c, last);
                }
            }
        }
        return cells;
    }

    /**
     * {@code np.digitize(a, edges)} with increasing edges ({@code right=False}): the number of edges
     * ≤ {@code a}, compared in float32 as numpy does for float32 edges and activations.
     */
    private int digitize(float a) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= a) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** One exact symbol per sample: equal keys ⇔ equal cell vectors. */
    long[] keys(float[] activations, int n, int d) {
        int[] cells = cells(activations);
        int[] min = new int[d];
        int[] max = new int[d];
        Arrays.fill(min, Integer.MAX_VALUE);
        Arrays.fill(max, Integer.MIN_VALUE);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                int c = cells[i * d + j];
                min[j] = Math.min(min[j], c);
                max[j] = Math.max(max[j], c);
            }
        }
        double bitsNeeded = 0;
        for (int j = 0; j < d; j++) {
            bitsNeeded += Math.log((double) max[j] - min[j] + 1) / Math.log(2);
        }
        long[] keys = new long[n];
        if (bitsNeeded < 62) {
            for (int i = 0; i < n; i++) {
                long key = 0;
                for (int j = 0; j < d; j++) {
                    key = key * ((long) max[j] - min[j] + 1) + (cells[i * d + j] - min[j]);
                }
                keys[i] = key;
            }
            return keys;
        }
        Map<Row, Long> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Row row = new Row(Arrays.copyOfRange(cells, i * d, (i + 1) * d));
            Long id = ids.get(row);
            if (id == null) {
                id = (long) ids.size();
                ids.put(row, id);
            }
            keys[i] = id;
        }
        return keys;
    }

    /** Plug-in entropy (bits) of the symbols; sorts the array in place. */
    static double entropyBits(long[] keys) {
        Arrays.sort(keys);
        int n = keys.length;
        double h = 0;
        int run = 1;
        for (int i = 1; i <= n; i++) {
            if (i < n && keys[i] == keys[i - 1]) {
                run++;
            } else {
                double p = (double) run / n;
                h -= p * Math.log(p);
                run = 1;
            }
        }
        return h / Math.log(2);
    }

    private record Row(int[] cells) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && Arrays.equals(cells, r.cells);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cells);
        }
    }
}
