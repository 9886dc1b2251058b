package org.lamina.plugins.api;

/**
 * A panel of the workbench, discovered with {@link java.util.ServiceLoader}.
 */
public interface WorkbenchPlugin {

    /** Version of this SPI; a plugin built for another major version is reported, not loaded. */
    int API_VERSION = 1;

    /** Stable identifier, e.g. {@code infoplane}. */
    String id();

    /** Title shown on the panel's tab. */
    String title();

    /** The SPI version the plugin was built against. */
    default int apiVersion() {
        return API_VERSION;
    }
}
