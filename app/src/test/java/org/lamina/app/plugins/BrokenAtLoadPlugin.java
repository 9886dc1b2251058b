package org.lamina.app.plugins;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** A deliberately broken plugin (test scope only): its constructor throws. */
public final class BrokenAtLoadPlugin implements WorkbenchPlugin {

    public BrokenAtLoadPlugin() {
        throw new IllegalStateException("missing native library libfoo.so");
    }

    @Override
    public String id() {
        return "broken-load";
    }

    @Override
    public String title() {
        return "Broken at load";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        throw new AssertionError("never created");
    }
}
