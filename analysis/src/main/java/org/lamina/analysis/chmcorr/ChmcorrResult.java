package org.lamina.analysis.chmcorr;

import org.lamina.analysis.model.ModelRuntime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code lamina chmcorr} writes as {@code chmcorr.json}: the decision, ALL N shortlisted
 * exemplars in reranked order with their scores, the CC map and the mask used, per-exemplar
 * patch similarities and the drawn pairs. Grids are {@code [row][col]} with row 0 at the top.
 *
 * @param prediction      predicted label
 * @param predictionName  its class name
 * @param confidence      votes / K
 * @param k               K after the widen-K tie rule
 * @param votes           votes per class name among the top K (in label order)
 * @param knnPrediction   the plain kNN baseline's label (majority of the top K in kNN order)
 * @param query           what the query was (source, index, true label when known)
 * @param grid            G
 * @param exemplars       all N shortlisted exemplars, best first
 * @param ccMap           min-max normalised CC map of the query against the top-ranked exemplar
 * @param mask            the mask used: the user's map, or the top-ranked exemplar's CC threshold
 *                        mask (default scoring uses each exemplar's own CC mask)
 * @param maskSource      {@code user} or {@code cc-threshold}
 * @param similarity      per exemplar (aligned with {@code exemplars}): G×G patch similarity of each query cell
 * @param pairs           per shown exemplar (top-5 of the predicted class): its best pairs
 * @param parameters      N, K, T, matcher
 * @param provenance      model, weights hash, gallery, versions, timestamp
 */
public record ChmcorrResult(int prediction, String predictionName, double confidence, int k, Map<String, Integer> votes,
                            int knnPrediction, Map<String, Object> query, int grid, List<Exemplar> exemplars,
                            float[][] ccMap, float[][] mask, String maskSource, List<float[][]> similarity,
                            List<ShownExemplar> pairs, ChmcorrParameters parameters, Map<String, Object> provenance) {

    /** The method name recorded in provenance. */
    public static final String METHOD = "CHM-Corr (Taesiri et al., NeurIPS 2022) with the CHM-Corr++ user map";

    /**
     * One shortlisted exemplar.
     *
     * @param rank          position after reranking (0 = best)
     * @param galleryIndex  index in the gallery data set
     * @param label         its label
     * @param labelName     its class name
     * @param score         final score
     * @param knnRank       position in the kNN shortlist
     * @param knnSimilarity cosine of pooled features with the query
     */
    public record Exemplar(int rank, int galleryIndex, int label, String labelName, double score, int knnRank,
                           double knnSimilarity) {
    }

    /** A shown exemplar and its pairs; cells are {@code [row, col]}. */
    public record ShownExemplar(int galleryIndex, int rank, List<Pair> pairs) {
    }

    /** One drawn pair. */
    public record Pair(int[] queryCell, int[] exemplarCell, double similarity) {
    }

    /** Assembles the result of a decision. */
    public static ChmcorrResult of(QueryEvidence ev, Decision d, float[] userMap, ChmcorrParameters p,
                                   List<String> classNames, Map<String, Object> query, Map<String, Object> provenance) {
        int g = ev.grid();
        Shortlist s = ev.shortlist();
        List<Exemplar> ex = new ArrayList<>();
        List<float[][]> sims = new ArrayList<>();
        for (int r = 0; r < d.ranking().length; r++) {
            int pos = d.ranking()[r];
            ex.add(new Exemplar(r, s.galleryIndices()[pos], s.labels()[pos], classNames.get(s.labels()[pos]),
                    d.scores()[pos], pos, s.similarity()[pos]));
            sims.add(toGrid(ev.correspondences(pos).similarity(), g));
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (int c = 0; c < d.voteCounts().length; c++) {
            votes.put(classNames.get(c), d.voteCounts()[c]);
        }
        int top = d.ranking()[0];
        List<ShownExemplar> shown = new ArrayList<>();
        for (int pos : ev.explanation(d, p.shown())) {
            List<Pair> pairs = new ArrayList<>();
            for (PatchPair pp : ev.bestPairs(pos, d.userMap() ? userMap : null, p.pairs())) {
                pairs.add(new Pair(new int[] {pp.queryCell() / g, pp.queryCell() % g},
                        new int[] {pp.exemplarCell() / g, pp.exemplarCell() % g}, pp.similarity()));
            }
            shown.add(new ShownExemplar(s.galleryIndices()[pos], indexOf(d.ranking(), pos), pairs));
        }
        MajorityVote.Outcome knn = ChmcorrClassifier.knnVote(s, p.k(), d.voteCounts().length);
        return new ChmcorrResult(d.prediction(), classNames.get(d.prediction()), d.confidence(), d.k(), votes,
                knn.label(), query, g, ex, toGrid(ev.ccMap(top), g), toGrid(d.userMap() ? userMap : ev.ccMask(top), g),
                d.userMap() ? "user" : "cc-threshold", sims, shown, p, provenance);
    }

    /** Standard provenance for a classifier. */
    public static Map<String, Object> provenance(ChmcorrClassifier c) {
        Map<String, Object> pv = new LinkedHashMap<>();
        pv.put("method", METHOD);
        pv.put("matcher", c.matcher().name().equals("mnn")
                ? "cosine + mutual nearest neighbours on the feature grid (a substitute, NOT CHMNet)"
                : "Sinkhorn, EMD-Corr settings (eps 0.05, 100 iterations, CC-map marginals)");
        pv.put("model", c.features().model().manifest().name());
        pv.put("weightsSha256", c.features().model().weightsSha256());
        pv.put("point", c.features().point().name());
        pv.put("gallery", c.gallery().dataset() + " (" + c.gallery().size() + " images)");
        pv.put("labelMapping", c.galleryData().labelMapping());
        pv.put("engine", ModelRuntime.versions());
        pv.put("device", c.features().model().device().toString());
        pv.put("cellIndex", "row * G + col for masks, CC maps, similarities and pairs alike (the reference scores "
                + "with a transposed index; not reproduced)");
        pv.put("timestamp", Instant.now().toString());
        return pv;
    }

    static float[][] toGrid(float[] v, int g) {
        float[][] out = new float[g][g];
        for (int r = 0; r < g; r++) {
            System.arraycopy(v, r * g, out[r], 0, g);
        }
        return out;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
