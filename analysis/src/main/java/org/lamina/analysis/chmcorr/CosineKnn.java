package org.lamina.analysis.chmcorr;

/**
 * Exact cosine kNN over a {@link GalleryIndex}: one pass of dot products with the unit-length
 * rows and a bounded selection of the best N (O(size · dimension + size · log N)); at 20,000 × 128
 * that is about 2.6 M multiply-adds per query, a few milliseconds on one core
 * (ChmcorrBenchmark measures it). Equal similarities keep the lower gallery index first.
 */
public final class CosineKnn {

    private CosineKnn() {
    }

    /** The N gallery images most similar to {@code query} (any length-D vector), best first. */
    public static Shortlist shortlist(GalleryIndex gallery, float[] query, int n) {
        int d = gallery.dimension();
        if (query.length != d) {
            throw new IllegalArgumentException("query feature has dimension " + query.length + " but the gallery index ("
                    + gallery.dataset() + ", point " + gallery.point() + ") has " + d);
        }
        if (n < 1) {
            throw new IllegalArgumentException("N must be at least 1, got " + n);
        }
        float[] q = GalleryIndex.normaliseRows(query.clone(), d);
        int size = gallery.size();
        int keep = Math.min(n, size);
        // Min-heap of the best `keep` so far, by (similarity, then higher index = worse).
        int[] heapIdx = new int[keep];
        float[] heapSim = new float[keep];
        int filled = 0;
        float[] f = gallery.features();
        for (int i = 0; i < size; i++) {
            float s = 0;
            int o = i * d;
            for (int c = 0; c < d; c++) {
                s += f[o + c] * q[c];
            }
            if (filled < keep) {
                heapIdx[filled] = i;
                heapSim[filled] = s;
                siftUp(heapIdx, heapSim, filled++);
            } else if (s > heapSim[0]) {
                heapIdx[0] = i;
                heapSim[0] = s;
                siftDown(heapIdx, heapSim, keep);
            }
        }
        // Pop worst-first into the back of the arrays.
        int[] idx = new int[keep];
        float[] sim = new float[keep];
        for (int r = keep - 1; r >= 0; r--) {
            idx[r] = heapIdx[0];
            sim[r] = heapSim[0];
            filled--;
            heapIdx[0] = heapIdx[filled];
            heapSim[0] = heapSim[filled];
            siftDown(heapIdx, heapSim, filled);
        }
        int[] labels = new int[keep];
        for (int r = 0; r < keep; r++) {
            labels[r] = gallery.labels()[idx[r]];
        }
        return new Shortlist(idx, labels, sim);
    }

    /** a is worse than b: lower similarity, or equal similarity and a later index. */
    private static boolean worse(int[] idx, float[] sim, int a, int b) {
        return sim[a] < sim[b] || (sim[a] == sim[b] && idx[a] > idx[b]);
    }

    private static void siftUp(int[] idx, float[] sim, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!worse(idx, sim, i, p)) {
                return;
            }
            swap(idx, sim, i, p);
            i = p;
        }
    }

    private static void siftDown(int[] idx, float[] sim, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && worse(idx, sim, l, m)) {
                m = l;
            }
            if (r < size && worse(idx, sim, r, m)) {
                m = r;
            }
            if (m == i) {
                return;
            }
            swap(idx, sim, i, m);
            i = m;
        }
    }

    private static void swap(int[] idx, float[] sim, int a, int b) {
        int t = idx[a];
        idx[a] = idx[b];
        idx[b] = t;
        float s = sim[a];
        sim[a] = sim[b];
        sim[b] = s;
    }
}
