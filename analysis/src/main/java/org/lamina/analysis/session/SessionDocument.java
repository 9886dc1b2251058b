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
 */
public record SessionDocument(
        int formatVersion,
        String created,
        ModelReference model,
        String dataSet,
        long seed,
        Map<String, String> versions,
        List<AnalysisEntry> analyses) {

    /** The session format this Lamina writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public SessionDocument {
        Objects.requireNonNull(model, "model");
        versions = versions == null ? Map.of() : Map.copyOf(versions);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
    }

    /**
     * The model of a session.
     *
     * @param path          model directory or {@code sample:NAME}
     * @param name          model name
     * @param weightsSha256 SHA-256 of the weights when the session was saved
     */
    public record ModelReference(String path, String name, String weightsSha256) {
        public ModelReference {
            Objects.requireNonNull(path, "model.path");
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
