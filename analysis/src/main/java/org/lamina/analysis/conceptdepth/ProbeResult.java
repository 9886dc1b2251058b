package org.lamina.analysis.conceptdepth;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * A concept-depth run of one model on one concept set, written as {@code probe.json}.
 *
 * @param model             model name
 * @param weightsSha256     SHA-256 of the model's weights
 * @param conceptSet        concept-set name
 * @param dataset           data set the concepts index
 * @param points            probe points probed, forward order
 * @param featureDimensions pooled feature dimension per point
 * @param parameters        the run's parameters
 * @param concepts          per concept: metrics per point, depths, selectivity
 * @param logitLens         logit lens of a transformer, or null
 * @param extractionSeconds feature extraction wall time
 * @param probeSeconds      wall time of all probes (task and control)
 * @param provenance        method, versions, device, timestamp
 * @param features          the extracted features (for {@code --export-features}), not in JSON
 * @param redundantPoints   points that duplicate an earlier one or are constant, and the relative
 *                          depth per point ({@link RedundantPoints}); null in files written before
 * @param splits            per concept name, its train/test splits in split order, not in JSON
 * @param definitions       the concepts probed (items and labels), not in JSON
 */
public record ProbeResult(String model, String weightsSha256, String conceptSet, String dataset, List<String> points,
                          int[] featureDimensions, ProbeParameters parameters, List<ConceptProbeResult> concepts,
                          LogitLensResult logitLens, double extractionSeconds, double probeSeconds,
                          Map<String, Object> provenance, RedundantPoints redundantPoints,
                          @JsonIgnore LayerFeatures features,
                          @JsonIgnore Map<String, List<TrainTestSplit>> splits, @JsonIgnore List<Concept> definitions) {

    /** The concept's result, or a clear error. */
    public ConceptProbeResult concept(String name) {
        return concepts.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no concept '" + name + "' in this result; concepts: "
                        + concepts.stream().map(ConceptProbeResult::name).toList()));
    }

    /** A copy with a logit lens attached. */
    public ProbeResult withLogitLens(LogitLensResult lens) {
        return new ProbeResult(model, weightsSha256, conceptSet, dataset, points, featureDimensions, parameters, concepts,
                lens, extractionSeconds, probeSeconds, provenance, redundantPoints, features, splits, definitions);
    }

    /** This result with one more provenance entry (e.g. the feature store its features came from). */
    public ProbeResult withProvenance(String key, Object value) {
        Map<String, Object> more = new java.util.LinkedHashMap<>(provenance);
        more.put(key, value);
        return new ProbeResult(model, weightsSha256, conceptSet, dataset, points, featureDimensions, parameters, concepts,
                logitLens, extractionSeconds, probeSeconds, more, redundantPoints, features, splits, definitions);
    }

    /** Relative depth of point {@code k}: the duplicate-aware one when recorded, else (k+1)/L. */
    public double relativeDepth(int k) {
        return redundantPoints != null && redundantPoints.relativeDepth() != null
                ? redundantPoints.relativeDepth()[k] : (k + 1.0) / points.size();
    }

    /** Data-set indices of a probed concept's items. */
    public int[] conceptItems(String name) {
        return definition(name).items();
    }

    /** Labels of a probed concept's items. */
    public int[] conceptLabels(String name) {
        return definition(name).labels();
    }

    private Concept definition(String name) {
        if (definitions == null) {
            throw new IllegalStateException("this result carries no concept definitions (read from a file?)");
        }
        return definitions.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no concept '" + name + "' in this result"));
    }
}
