package org.lamina.app.plugins;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** A deliberately broken plugin (test scope only): loads, but its view throws. */
public final class BrokenViewPlugin implements WorkbenchPlugin {

    @Override
    public String id() {
        return "broken-view";
    }

    @Override
    public String title() {
        return "Broken view";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        throw new UnsupportedOperationException("view needs a model with attention heads");
    }
}
