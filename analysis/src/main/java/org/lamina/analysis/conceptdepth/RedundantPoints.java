package org.lamina.analysis.conceptdepth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probe points whose pooled features carry nothing of their own: a point whose features equal an
 * earlier point's on every extracted row (fashion-cnn's {@code stage3}, mean-pooled, is its
 * {@code gap}), and a point whose features are the same for every row (a ViT's {@code embed} CLS
 * token is the learnt CLS vector plus its position embedding, whatever the image). Both are
 * still probed, and said in the output.
 *
 * <p>Relative-depth rule: a duplicate point is left out of L and takes the relative depth of the
 * earlier point it duplicates; every other point l gets {@code (r_l + 1)/L'}, with r_l its index
 * among the non-duplicate points and L' their number. Without duplicates this is the spec's
 * {@code (l+1)/L}. The jump depth skips duplicates too ({@link ConceptDepth#of(double[], List, double,
 * double, double[], boolean[])}). Constant points stay in L: they are a layer of the model, and their probe
 * scores the majority class, which is the true answer for that layer.
 *
 * <p>"Equal" and "the same" allow float rounding: |a − b| ≤ 1e-6 · max(1, max|a|) over all values.
 *
 * @param duplicateOf   duplicate point → the earliest point it equals
 * @param constant      points whose features do not vary over the rows
 * @param relativeDepth per point, its relative depth under the rule above
 */
public record RedundantPoints(Map<String, String> duplicateOf, List<String> constant, double[] relativeDepth) {

    /** The rule, as recorded in provenance. */
    public static final String RULE = "a point whose features equal an earlier point's (|a−b| ≤ 1e-6·max(1, max|a|)) "
            + "is left out of L and takes that point's relative depth; other points: (rank among the remaining points + 1)/L'; "
            + "the jump depth skips duplicate points";

    static final double TOLERANCE = 1e-6;

    /** Checks every point of {@code f}. */
    public static RedundantPoints of(LayerFeatures f) {
        int n = f.points().size();
        int rows = f.items().length;
        Map<String, String> dup = new LinkedHashMap<>();
        int[] original = new int[n];
        List<String> constant = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            original[k] = k;
            float[] a = f.values().get(k);
            for (int j = 0; j < k; j++) {
                if (original[j] == j && f.dimensions()[j] == f.dimensions()[k] && equal(f.values().get(j), a)) {
                    original[k] = j;
                    dup.put(f.points().get(k), f.points().get(j));
                    break;
                }
            }
            if (rows > 1 && isConstant(a, rows, f.dimensions()[k])) {
                constant.add(f.points().get(k));
            }
        }
        int distinct = 0;
        int[] rank = new int[n];
        for (int k = 0; k < n; k++) {
            if (original[k] == k) {
                rank[k] = distinct++;
            }
        }
        double[] relative = new double[n];
        for (int k = 0; k < n; k++) {
            relative[k] = (rank[original[k]] + 1.0) / distinct;
        }
        return new RedundantPoints(dup, constant, relative);
    }

    private static boolean equal(float[] a, float[] b) {
        double scale = 1;
        for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = TOLERANCE * scale;
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= tol)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isConstant(float[] a, int rows, int d) {
        double scale = 1;
        for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = TOLERANCE * scale;
        for (int r = 1; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                if (!(Math.abs(a[r * d + j] - a[j]) <= tol)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Per point of {@code points}, whether it duplicates an earlier point. */
    public boolean[] duplicates(List<String> points) {
        boolean[] d = new boolean[points.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = duplicateOf.containsKey(points.get(k));
        }
        return d;
    }

    /** One line per finding, for stdout; empty when there is none. */
    public List<String> notes() {
        List<String> out = new ArrayList<>();
        duplicateOf.forEach((p, q) -> out.add("point " + p + " gives the same features as " + q
                + " (left out of the relative depth's L; takes " + q + "'s relative depth)"));
        for (String p : constant) {
            out.add("point " + p + " gives the same features for every input (its probe can only score the majority class)");
        }
        return out;
    }
}
