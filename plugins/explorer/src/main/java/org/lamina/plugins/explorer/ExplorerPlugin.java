package org.lamina.plugins.explorer;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the model explorer panel. */
public final class ExplorerPlugin implements WorkbenchPlugin {

    /** Plugin id, also the id sessions record its analyses under. */
    public static final String ID = "explorer";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Model explorer";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new ExplorerView(context);
    }
}
