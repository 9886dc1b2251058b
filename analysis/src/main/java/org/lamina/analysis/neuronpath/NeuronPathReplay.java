package org.lamina.analysis.neuronpath;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.ReplayableAnalysis;

import java.util.List;
import java.util.Map;

/**
 * Redoes a neuron-path run recorded in a session (its {@link NeuronPathParameters#toMap()} map)
 * on the session's model and returns the figures the CLI exports ({@link NeuronPathFigures#all}).
 * The seed in the parameters makes the random baseline and the pruning view the same again.
 */
public final class NeuronPathReplay implements ReplayableAnalysis {

    /** The method name sessions record. */
    public static final String METHOD = "neuronpath";

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void validate(Map<String, Object> parameters) {
        NeuronPathParameters.fromMap(parameters);
    }

    @Override
    public List<Figure> replay(ProbeableModel model, Map<String, Object> parameters, ProgressSink progress) {
        NeuronPathParameters p = NeuronPathParameters.fromMap(parameters);
        Dataset data = SampleData.open(p.dataset(), model.manifest().input(), model.manifest().labels(), null);
        return NeuronPathFigures.all(NeuronPathAnalysis.run(model, data, p, progress));
    }
}
