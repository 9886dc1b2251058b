package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ReplayableAnalysis;

import java.util.List;
import java.util.Map;

/**
 * Redoes a concept-depth study recorded in a session (its {@link ConceptDepthStudy.Request#toMap()}
 * map) on the session's model and returns the figures the panel exports
 * ({@link ConceptDepthFigures#figures(ConceptDepthStudy.Result)}). The seed in the parameters
 * makes the split, control tasks and noise the same as the recorded run's.
 */
public final class ConceptDepthReplay implements ReplayableAnalysis {

    /** The method name sessions record. */
    public static final String METHOD = "conceptdepth";

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        ConceptDepthStudy.Request.fromMap(parameters);
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        ConceptDepthStudy.Request request = ConceptDepthStudy.Request.fromMap(parameters);
        return ConceptDepthFigures.figures(ConceptDepthStudy.run(model, request, progress));
    }
}
