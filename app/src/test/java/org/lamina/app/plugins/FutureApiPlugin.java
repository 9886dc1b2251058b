package org.lamina.app.plugins;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** A plugin built for a newer API (test scope only). */
public final class FutureApiPlugin implements WorkbenchPlugin {

    @Override
    public String id() {
        return "future";
    }

    @Override
    public String title() {
        return "From the future";
    }

    @Override
    public int apiVersion() {
        return API_VERSION + 1;
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        throw new AssertionError("never created");
    }
}
