package org.lamina.analysis.neuronpath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a neuron-path analysis found, plain data with provenance. {@link #toJson()} gives the
 * {@code neuronpath.json} layout: one key per method ({@code jas}, {@code activation},
 * {@code influence}, {@code ig}, {@code random}) with {@code paths}, {@code scores},
 * {@code meanJas}, {@code jasPerClass}; {@code manipulation} per method; {@code classSimilarity}
 * when there are several classes; {@code pruning}; {@code provenance}.
 *
 * @param model         model name
 * @param weightsSha256 SHA-256 of the weights
 * @param dataset       data set name
 * @param labels        the model's class names
 * @param parameters    the parameters
 * @param blocks        number of blocks L
 * @param width         neurons per block
 * @param images        the analysed images, class by class
 * @param methods       per method its paths and scores (JAS first)
 * @param manipulation  per method the remove / enhance outcome
 * @param classStats    class statistics of the JAS paths, or null with a single class
 * @param pruning       pruning view, one point per fraction
 * @param provenance    method, versions, device, seed, timestamp
 * @param cleanNeurons  per image and block the clean neuron values (for the panel; not in the JSON)
 * @param jasPerBlock   per image and block JAS_l of the chosen neurons
 */
public record NeuronPathResult(String model, String weightsSha256, String dataset, List<String> labels,
                               NeuronPathParameters parameters, int blocks, int width, List<ImageEntry> images,
                               Map<PathMethod, MethodPaths> methods, Map<PathMethod, Manipulation> manipulation,
                               ClassStatistics classStats, List<PruningPoint> pruning, Map<String, Object> provenance,
                               float[][][] cleanNeurons, float[][][] jasPerBlock) {

    /** One analysed image: data-set index, label, clean target probability and prediction. */
    public record ImageEntry(int index, int label, float baseProb, int predicted) {
    }

    /**
     * Paths chosen by one method and their JAS(P).
     *
     * @param paths              {@code [image][block][K]} neuron indices
     * @param scores             JAS(P) per image
     * @param blockContributions per image and block (Σ_k g) × (w/m) of the path neurons: each block's own
     *                           term, not an additive split of JAS(P) (which has cross-block terms)
     * @param meanJas            mean of {@code scores}
     * @param jasPerClass        per class label, the mean JAS(P) of its images
     */
    public record MethodPaths(int[][][] paths, double[] scores, double[][] blockContributions, double meanJas,
                              Map<String, Double> jasPerClass) {
    }

    /**
     * Remove / enhance outcome of one method's paths. Deviations in %: probability deviation =
     * mean of p_edit/p_base − 1; accuracy deviation = top-1 accuracy after − before (points).
     */
    public record Manipulation(float[] removeProb, int[] removePredicted, float[] enhanceProb, int[] enhancePredicted,
                               double removeProbDev, double enhanceProbDev, double removeAccDev, double enhanceAccDev,
                               Map<String, double[]> perClass) {
    }

    /** Pruning view: mean target probability keeping JAS / random path neurons, others zeroed with this fraction. */
    public record PruningPoint(double fraction, double jasMeanProb, double randomMeanProb) {
    }

    /** Mean clean target probability. */
    public double baseMeanProb() {
        return images.stream().mapToDouble(ImageEntry::baseProb).average().orElse(Double.NaN);
    }

    /** The JSON tree written to {@code neuronpath.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("weightsSha256", weightsSha256);
        j.put("dataset", dataset);
        j.put("labels", labels);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("classes", parameters.classes().isEmpty() ? "all" : parameters.classes());
        p.put("imagesPerClass", parameters.imagesPerClass());
        p.put("steps", parameters.steps());
        p.put("topK", parameters.topK());
        p.put("baselines", parameters.baselines().stream().map(PathMethod::key).toList());
        p.put("seed", parameters.seed());
        p.put("tokenMode", parameters.tokenMode().name());
        p.put("neuron", "blocks.i.mlp.act, " + (parameters.tokenMode() == TokenMode.CLS ? "CLS token"
                : "channel over the patch tokens; JAS and IG computed per patch token and summed over tokens"));
        p.put("topKScore", parameters.topK() == 1 ? "one neuron per block"
                : "sum of K neurons per block (the reference script keeps only the last; not comparable with the "
                + "paper's top-K figures)");
        j.put("parameters", p);
        j.put("blocks", blocks);
        j.put("width", width);
        List<Map<String, Object>> imgs = new ArrayList<>();
        for (ImageEntry e : images) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", e.index());
            m.put("label", labels.get(e.label()));
            m.put("baseProb", e.baseProb());
            m.put("predicted", labels.get(e.predicted()));
            imgs.add(m);
        }
        j.put("images", imgs);
        for (var e : methods.entrySet()) {
            MethodPaths mp = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            List<List<int[]>> paths = new ArrayList<>();
            for (int[][] path : mp.paths()) {
                List<int[]> pairs = new ArrayList<>();
                for (int b = 0; b < path.length; b++) {
                    for (int n : path[b]) {
                        pairs.add(new int[] {b, n});
                    }
                }
                paths.add(pairs);
            }
            m.put("paths", paths);
            m.put("scores", mp.scores());
            m.put("meanJas", mp.meanJas());
            m.put("jasPerClass", mp.jasPerClass());
            m.put("blockContributions", mp.blockContributions());
            m.put("blockContributionsAre", "each block's own term (sum_k g)*(w/m); not an additive split of the score, "
                    + "which also has the cross-block terms");
            j.put(e.getKey().key(), m);
        }
        Map<String, Object> man = new LinkedHashMap<>();
        for (var e : manipulation.entrySet()) {
            Manipulation mm = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("removeProbDev", mm.removeProbDev());
            m.put("enhanceProbDev", mm.enhanceProbDev());
            m.put("removeAccDev", mm.removeAccDev());
            m.put("enhanceAccDev", mm.enhanceAccDev());
            Map<String, Object> pc = new LinkedHashMap<>();
            for (var c : mm.perClass().entrySet()) {
                double[] v = c.getValue();
                pc.put(c.getKey(), Map.of("removeProbDev", v[0], "enhanceProbDev", v[1], "removeAccDev", v[2],
                        "enhanceAccDev", v[3]));
            }
            m.put("perClass", pc);
            m.put("flippedByRemove", flipped(mm.removePredicted()));
            m.put("flippedByEnhance", flipped(mm.enhancePredicted()));
            man.put(e.getKey().key(), m);
        }
        j.put("manipulation", man);
        if (classStats != null) {
            Map<String, Object> cs = new LinkedHashMap<>();
            cs.put("classes", classStats.classes());
            cs.put("matrix", classStats.similarity());
            if (classStats.mostSimilar().length == 2) {
                cs.put("mostSimilar", pair(classStats.mostSimilar()));
                cs.put("leastSimilar", pair(classStats.leastSimilar()));
            }
            Map<String, Object> top = new LinkedHashMap<>();
            for (int k = 0; k < classStats.classes().size(); k++) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (double[] t : classStats.topNeurons(k, 10, width)) {
                    list.add(Map.of("block", (int) t[0], "neuron", (int) t[1], "frequency", t[2]));
                }
                top.put(classStats.classes().get(k), list);
            }
            cs.put("topNeurons", top);
            j.put("classSimilarity", cs);
        }
        List<Map<String, Object>> pr = new ArrayList<>();
        for (PruningPoint pp : pruning) {
            pr.add(Map.of("fraction", pp.fraction(), "jasMeanProb", pp.jasMeanProb(), "randomMeanProb", pp.randomMeanProb()));
        }
        j.put("pruning", Map.of("depth", blocks, "baseMeanProb", baseMeanProb(), "points", pr));
        j.put("provenance", provenance);
        return j;
    }

    /** Data-set indices of images whose correct top-1 prediction the edit changed. */
    private List<Integer> flipped(int[] after) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            ImageEntry e = images.get(i);
            if ((e.predicted() == e.label()) != (after[i] == e.label())) {
                out.add(e.index());
            }
        }
        return out;
    }

    private Map<String, Object> pair(int[] ab) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", classStats.classes().get(ab[0]));
        m.put("b", classStats.classes().get(ab[1]));
        m.put("cosine", classStats.similarity()[ab[0]][ab[1]]);
        return m;
    }
}
