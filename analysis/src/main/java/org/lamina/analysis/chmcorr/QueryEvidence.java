package org.lamina.analysis.chmcorr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Everything one query needs to be decided and re-decided: the shortlist, each exemplar's
 * correspondences and CC map. Built once per query (the only part that runs the network);
 * {@link #decide(float[])} then costs O(N·G²) arithmetic and no network pass, which is what lets
 * the edited map re-score instantly (spec, "Re-classification uses CACHED correspondences").
 */
public final class QueryEvidence {

    private final int grid;
    private final Shortlist shortlist;
    private final List<Correspondences> correspondences;
    private final List<float[]> ccMaps;
    private final List<float[]> masks;
    private final double scale;
    private final int classes;
    private final int k;
    private final float[] defaultScores;

    /**
     * @param ccMaps    min-max normalised CC map of the query against each exemplar
     * @param threshold T of the CC mask
     * @param scale     the matcher's top-5 factor
     * @param classes   number of labels
     * @param k         K of the vote
     */
    public QueryEvidence(int grid, Shortlist shortlist, List<Correspondences> correspondences, List<float[]> ccMaps,
                         double threshold, double scale, int classes, int k) {
        if (correspondences.size() != shortlist.size() || ccMaps.size() != shortlist.size()) {
            throw new IllegalArgumentException("one set of correspondences and one CC map per shortlisted exemplar");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        this.grid = grid;
        this.shortlist = shortlist;
        this.correspondences = List.copyOf(correspondences);
        this.ccMaps = List.copyOf(ccMaps);
        this.scale = scale;
        this.classes = classes;
        this.k = k;
        List<float[]> m = new ArrayList<>();
        defaultScores = new float[shortlist.size()];
        for (int e = 0; e < shortlist.size(); e++) {
            float[] mask = CrossCorrelationMap.mask(ccMaps.get(e), threshold);
            m.add(mask);
            defaultScores[e] = (float) ExemplarScore.topFive(correspondences.get(e).evidence(), mask, scale);
        }
        masks = List.copyOf(m);
    }

    public int grid() {
        return grid;
    }

    public Shortlist shortlist() {
        return shortlist;
    }

    public Correspondences correspondences(int position) {
        return correspondences.get(position);
    }

    /** Normalised CC map of the query against shortlist position e. */
    public float[] ccMap(int position) {
        return ccMaps.get(position).clone();
    }

    /** Threshold mask of position e. */
    public float[] ccMask(int position) {
        return masks.get(position).clone();
    }

    public int k() {
        return k;
    }

    public int classes() {
        return classes;
    }

    /** The CHM-Corr decision with the CC masks (no user map). */
    public Decision decide() {
        return decide(null);
    }

    /**
     * Decision with the user's map: non-empty → every exemplar scored {@code Σ evidence·w / G²};
     * {@code null} or all zero → the default CC-mask top-5 rule (spec, "all-empty falls back").
     */
    public Decision decide(float[] userWeights) {
        boolean user = userWeights != null && !isEmpty(userWeights);
        if (user && userWeights.length != grid * grid) {
            throw new IllegalArgumentException("map has " + userWeights.length + " cells, expected " + grid + "x" + grid);
        }
        int n = shortlist.size();
        float[] scores;
        if (user) {
            scores = new float[n];
            for (int e = 0; e < n; e++) {
                scores[e] = (float) ExemplarScore.userWeighted(correspondences.get(e).evidence(), userWeights);
            }
        } else {
            scores = defaultScores.clone();
        }
        int[] ranking = rerank(scores);
        int[] ranked = new int[n];
        for (int r = 0; r < n; r++) {
            ranked[r] = shortlist.labels()[ranking[r]];
        }
        MajorityVote.Outcome o = MajorityVote.vote(ranked, k, classes);
        return new Decision(o.label(), o.k(), o.votes(), (double) o.votes() / o.k(), o.counts(), ranking, scores, user);
    }

    /** Positions sorted by score, best first; equal scores keep kNN order (a stable sort). */
    static int[] rerank(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** The explanation's exemplars (spec step 7): the top {@code count} reranked positions of the predicted class. */
    public int[] explanation(Decision d, int count) {
        return Arrays.stream(d.ranking()).filter(p -> shortlist.labels()[p] == d.prediction()).limit(count).toArray();
    }

    /**
     * The {@code count} strongest pairs of position e: by {@code evidence ⊙ mask} (default) or
     * {@code evidence ⊙ w} (user map); cells without a match or with no weight are skipped.
     */
    public List<PatchPair> bestPairs(int position, float[] userWeights, int count) {
        Correspondences c = correspondences.get(position);
        float[] w = userWeights != null && !isEmpty(userWeights) ? userWeights : masks.get(position);
        List<PatchPair> pairs = new ArrayList<>();
        for (int i = 0; i < c.match().length; i++) {
            if (c.match()[i] >= 0 && w[i] > 0) {
                pairs.add(new PatchPair(i, c.match()[i], c.similarity()[i], c.evidence()[i] * w[i]));
            }
        }
        pairs.sort(Comparator.comparingDouble((PatchPair p) -> -p.evidence()));
        return List.copyOf(pairs.subList(0, Math.min(count, pairs.size())));
    }

    static boolean isEmpty(float[] w) {
        for (float v : w) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
