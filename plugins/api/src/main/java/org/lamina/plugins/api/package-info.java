/**
 * The service-provider interface of Lamina's panels (DESIGN.md §5). A panel implements
 * {@link org.lamina.plugins.api.WorkbenchPlugin} and registers it in
 * {@code META-INF/services/org.lamina.plugins.api.WorkbenchPlugin}; the shell discovers it with
 * {@link java.util.ServiceLoader} and gives its view a
 * {@link org.lamina.plugins.api.WorkbenchContext}: the open model, data sets, selection events,
 * the job area, figure export, the session log and the preferences.
 * {@link org.lamina.plugins.api.FigureView} shows any analysis figure with export on right-click.
 */
package org.lamina.plugins.api;
