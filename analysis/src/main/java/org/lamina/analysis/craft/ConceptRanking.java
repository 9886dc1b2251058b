package org.lamina.analysis.craft;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The concept rankings the faithfulness check compares (shared/specs/craft.md §Faithfulness).
 */
public enum ConceptRanking {
    /** Local Sobol total index S_T. */
    SOBOL("sobol"),
    /** |∂h/∂u ⊙ u|, the gradient of the logit w.r.t. a global concept mask at m = 1. */
    GRADIENT_INPUT("gradient-input"),
    /** h(uW) − h(u₋ᵢW). */
    OCCLUSION("occlusion"),
    /** A seeded random permutation (one per image). */
    RANDOM("random");

    private final String id;

    ConceptRanking(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static List<ConceptRanking> all() {
        return List.of(values());
    }

    /** Concept indices from most to least important by {@code scores} (ties keep index order). */
    static int[] order(double[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(scores[b], scores[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** A seeded random order of r concepts (Fisher–Yates). */
    static int[] randomOrder(int r, long seed) {
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = r - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
