package org.lamina.plugins.chmcorr;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the CHM-Corr++ panel. */
public final class ChmcorrPlugin implements WorkbenchPlugin {

    /** Plugin id. */
    public static final String ID = "chmcorr";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "CHM-Corr++";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new ChmcorrView(context);
    }
}
