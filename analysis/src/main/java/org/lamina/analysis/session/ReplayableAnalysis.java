package org.lamina.analysis.session;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;

import java.util.List;
import java.util.Map;

/**
 * An analysis that can be redone headless from the parameters a session recorded. Registered in
 * {@code META-INF/services/org.lamina.analysis.session.ReplayableAnalysis}.
 */
public interface ReplayableAnalysis {

    /** The method name sessions record (e.g. {@code explorer}). */
    String method();

    /**
     * Reads and checks {@code parameters} without running anything, throwing (with a message that
     * names the key) on any value a replay could not honour: a session is checked entry by entry
     * before its first figure is written, so a bad 3rd entry never leaves the figures of the first
     * two behind. Must accept exactly what {@link #replay} accepts.
     */
    void validate(Map<String, Object> parameters);

    /**
     * As {@link #validate(Map)}, and checks the parameters against the session's model and data
     * (class indices, probe points, items of a data set) without running the analysis, so that an
     * entry a replay would fail on is refused before any entry writes a figure. The default checks
     * only the parameters.
     */
    default void validate(ProbeableModel model, Map<String, Object> parameters) {
        validate(parameters);
    }

    /** Redoes the analysis and returns its figures. */
    List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress);
}
