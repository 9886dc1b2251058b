package org.lamina.plugins.neuronpath;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the neuron-path panel. */
public final class NeuronPathPlugin implements WorkbenchPlugin {

    /** Plugin id. */
    public static final String ID = "neuronpath";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Neuron paths";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new NeuronPathView(context);
    }
}
