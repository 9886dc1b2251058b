package org.lamina.analysis.chmcorr;

/**
 * Majority vote among the top K reranked exemplars with CHM-Corr++'s tie rule (spec step 6): on a
 * tie K grows by one until the winner is unique or K = N; a tie that survives K = N goes to the
 * tied label whose best exemplar ranks highest.
 */
public final class MajorityVote {

    /** Outcome: the label, the K used and the vote counts per class at that K. */
    public record Outcome(int label, int k, int[] counts) {
        public int votes() {
            return counts[label];
        }
    }

    private MajorityVote() {
    }

    /**
     * @param rankedLabels labels in reranked order (length N)
     * @param k            requested K, 1 ≤ K (clamped to N)
     * @param classes      number of classes (labels are 0 … classes − 1)
     */
    public static Outcome vote(int[] rankedLabels, int k, int classes) {
        int n = rankedLabels.length;
        if (n == 0) {
            throw new IllegalArgumentException("no exemplars to vote");
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        int kk = Math.min(k, n);
        int[] counts = new int[classes];
        for (int i = 0; i < kk; i++) {
            counts[rankedLabels[i]]++;
        }
        while (true) {
            int best = -1;
            boolean tie = false;
            for (int c = 0; c < classes; c++) {
                if (best < 0 || counts[c] > counts[best]) {
                    best = c;
                    tie = false;
                } else if (counts[c] == counts[best]) {
                    tie = true;
                }
            }
            if (!tie) {
                return new Outcome(best, kk, counts.clone());
            }
            if (kk == n) {
                int max = counts[best];
                for (int label : rankedLabels) {
                    if (counts[label] == max) {
                        return new Outcome(label, kk, counts.clone());
                    }
                }
            }
            counts[rankedLabels[kk]]++;
            kk++;
        }
    }
}
