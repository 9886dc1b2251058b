package org.lamina.plugins.conceptdepth;

import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchPlugin;

/** Registers the concept-depth panel. */
public final class ConceptDepthPlugin implements WorkbenchPlugin {

    /** Plugin id. */
    public static final String ID = "conceptdepth";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Concept depth";
    }

    @Override
    public PluginView createView(WorkbenchContext context) {
        return new ConceptDepthView(context);
    }
}
