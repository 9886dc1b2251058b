package org.lamina.plugins.craft;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the CRAFT concepts panel. */
public final class CraftPlugin implements WorkbenchPlugin {

    /** Plugin id. */
    public static final String ID = "craft";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "CRAFT concepts";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new CraftView(context);
    }
}
