package org.lamina.plugins.infoplane;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the information-plane panel. */
public final class InfoPlanePlugin implements WorkbenchPlugin {

    /** Plugin id. */
    public static final String ID = "infoplane";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Information plane";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new InfoPlaneView(context);
    }
}
