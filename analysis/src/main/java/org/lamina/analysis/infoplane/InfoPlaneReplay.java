package org.lamina.analysis.infoplane;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ReplayableAnalysis;

import java.util.List;
import java.util.Map;

/**
 * Redoes an information-plane run recorded in a session (its {@link InfoPlaneParameters#toMap()}
 * map) and returns its four figures. The experiment trains its own network, so the session's
 * model is not used; the seeds in the parameters make the replay give the same numbers.
 */
public final class InfoPlaneReplay implements ReplayableAnalysis {

    /** The method name sessions record. */
    public static final String METHOD = "infoplane";

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        InfoPlaneParameters.fromMap(parameters);
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        InfoPlaneParameters p = InfoPlaneParameters.fromMap(parameters);
        progress.begin((long) p.repeats() * p.epochs());
        InfoPlaneResult r = InfoPlaneExperiment.run(p, new InfoPlaneMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                progress.advance(1);
            }

            @Override
            public boolean cancelled() {
                return progress.isCancelled();
            }
        });
        return InfoPlaneFigures.figures(r);
    }
}
