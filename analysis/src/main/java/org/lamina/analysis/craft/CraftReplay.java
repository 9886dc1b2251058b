package org.lamina.analysis.craft;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ReplayableAnalysis;

import java.util.List;
import java.util.Map;

/**
 * Redoes a CRAFT run recorded in a session (its {@link CraftParameters#toMap()} map) on the
 * session's model and returns the figures {@code lamina craft} exports
 * ({@link CraftFigures#figures}). The recorded seed makes the NMF and the ranking the same.
 */
public final class CraftReplay implements ReplayableAnalysis {

    /** The method name sessions record. */
    public static final String METHOD = "craft";

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        CraftParameters.fromMap(parameters);
    }

    @Override
    public void validate(ProbeableModel model, Map<String, Object> parameters) {
        CraftParameters p = CraftParameters.fromMap(parameters);
        int classes = model.manifest().labels().size();
        if (p.classIndex() >= classes) {
            throw new IllegalArgumentException("CRAFT parameter 'class' is " + p.classIndex() + " but model '"
                    + model.manifest().name() + "' has classes 0 … " + (classes - 1));
        }
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        CraftParameters p = CraftParameters.fromMap(parameters);
        Dataset data = SampleData.open(p.data(), model.manifest().input(), model.manifest().labels(), null);
        return CraftFigures.figures(CraftAnalysis.run(model, data, p, progress), data);
    }
}
