package org.lamina.analysis.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to redo a piece of work.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this Lamina
 * @param created       ISO-8601 timestamp
 * @param model         the model
 * @param dataSet       path of the data set's images file, or {@code null}
 * @param seed          the seed analyses used
 * @param versions      Lamina and engine versions, e.g. {@code {"lamina": "0.1.0", "engine": "DJL 0.33.0 / PyTorch 2.5.1"}}
 * @param analyses      the analyses in the order they were applied
 * @param featureStore  the feature store open in the data list, or {@code null} (absent in
 *                      sessions of older Lamina versions, which ignore it: an optional addition
 *                      that leaves {@link #FORMAT_VERSION} as it is)
 */
public record SessionDocument(
        int formatVersion,
        String created,
        ModelReference model,
        String dataSet,
        long seed,
        Map<String, String> versions,
        List<AnalysisEntry> analyses,
        FeatureStoreView featureStore) {

    /** The session format this Lamina writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public SessionDocument {
        Objects.requireNonNull(model, "model");
        versions = versions == null ? Map.of() : Map.copyOf(versions);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
    }

    /** A session without a feature store. */
    public SessionDocument(int formatVersion, String created, ModelReference model, String dataSet, long seed,
                           Map<String, String> versions, List<AnalysisEntry> analyses) {
        this(formatVersion, created, model, dataSet, seed, versions, analyses, null);
    }

    /**
     * The feature store shown in the data list (issue #20): reopened with the session, its filter
     * applied again. The store is checked when it opens, as any store is (its manifest, parts).
     *
     * @param path   the store folder
     * @param filter the SQL condition in the pane, or {@code null} for every row
     */
    public record FeatureStoreView(String path, String filter) {
        public FeatureStoreView {
            Objects.requireNonNull(path, "featureStore.path");
        }
    }

    /**
     * The model of a session. Both hashes are what make a replay honest: the weights alone do not
     * pin a model, since {@code model.json} holds the normalisation (mean/std), the input size and
     * the labels, and a changed one gives different numbers from the same weights.
     *
     * @param path           model directory or {@code sample:NAME}
     * @param name           model name
     * @param weightsSha256  SHA-256 of the weights when the session was saved
     * @param manifestSha256 SHA-256 of the bytes of {@code model.json} when the session was saved
     *                       (absent in sessions of older Lamina versions)
     */
    public record ModelReference(String path, String name, String weightsSha256, String manifestSha256) {
        public ModelReference {
            Objects.requireNonNull(path, "model.path");
        }

        /** A reference without a manifest hash (as older sessions have). */
        public ModelReference(String path, String name, String weightsSha256) {
            this(path, name, weightsSha256, null);
        }

        /**
         * The reference a session records for the model at {@code location} ({@code sample:NAME},
         * a {@code samples:} portable path or a directory), with both hashes read from its files now.
         */
        public static ModelReference of(String location) {
            java.nio.file.Path dir = org.lamina.analysis.model.ModelLocator.resolve(
                    location.startsWith(PortablePath.SAMPLES_PREFIX) ? PortablePath.resolve(location).toString() : location);
            org.lamina.analysis.model.ModelManifest mf = org.lamina.analysis.model.ManifestReader.read(dir);
            return new ModelReference(location, mf.name(), org.lamina.analysis.provenance.Sha256.of(mf.weightsFile()),
                    org.lamina.analysis.provenance.Sha256.of(mf.manifestFile()));
        }
    }

    /**
     * One applied analysis.
     *
     * @param plugin     id of the panel that ran it (e.g. {@code explorer})
     * @param method     the analysis, as a {@link ReplayableAnalysis#method()} name
     * @param parameters its parameters (plain JSON values)
     * @param results    references to results (e.g. exported files), may be empty
     */
    public record AnalysisEntry(String plugin, String method, Map<String, Object> parameters, Map<String, String> results) {
        public AnalysisEntry {
            Objects.requireNonNull(method, "method");
            parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
            results = results == null ? Map.of() : Map.copyOf(results);
        }
    }
}
