package org.lamina.plugins.api;

/**
 * A panel of the workbench, discovered with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/org.lamina.plugins.api.WorkbenchPlugin}. The shell loads each plugin
 * in isolation: one that throws while loading or while creating its view is listed as failed,
 * with the reason, and the others keep working.
 */
public interface WorkbenchPlugin {

    /** Version of this SPI; a plugin built for another version is reported, not loaded. */
    int API_VERSION = 1;

    /** Stable identifier, e.g. {@code explorer}; sessions record analyses under it. */
    String id();

    /** Title shown on the panel's tab. */
    String title();

    /** The SPI version the plugin was built against. */
    default int apiVersion() {
        return API_VERSION;
    }

    /**
     * Creates the panel's view, called once on the JavaFX thread. The view must not compute
     * here or in its event handlers: analyses go through {@link WorkbenchContext#jobs()}.
     */
    PluginView createView(WorkbenchContext context);
}
