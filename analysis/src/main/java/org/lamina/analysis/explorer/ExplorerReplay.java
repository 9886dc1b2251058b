package org.lamina.analysis.explorer;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ReplayableAnalysis;

import java.util.List;
import java.util.Map;

/** Redoes an explorer run recorded in a session and returns its four figures. */
public final class ExplorerReplay implements ReplayableAnalysis {

    @Override
    public String method() {
        return ExplorerAnalysis.METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        ExplorerParameters.fromMap(parameters);
    }

    @Override
    public void validate(ProbeableModel model, Map<String, Object> parameters) {
        ExplorerParameters.fromMap(parameters).checkAgainst(model.manifest());
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        ExplorerRequest request = ExplorerParameters.fromMap(parameters).toRequest(model.manifest());
        return ExplorerFigures.all(ExplorerAnalysis.run(model, request, progress));
    }
}
