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

    /** Redoes the analysis and returns its figures. */
    List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress);
}
