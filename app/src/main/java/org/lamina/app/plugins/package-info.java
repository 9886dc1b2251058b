/**
 * Discovery of panels: {@link org.lamina.app.plugins.PluginLoader} finds every
 * {@link org.lamina.plugins.api.WorkbenchPlugin} with {@link java.util.ServiceLoader} and keeps
 * the ones that fail (at load, with a wrong API version, or in {@code createView}) as
 * {@link org.lamina.app.plugins.PluginStatus} entries with their reason, so one broken plugin
 * never takes the workbench down.
 */
package org.lamina.app.plugins;
