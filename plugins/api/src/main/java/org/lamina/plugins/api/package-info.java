/**
 * The service-provider interface of Lamina's panels (DESIGN.md §5). A panel implements
 * {@link org.lamina.plugins.api.WorkbenchPlugin} and registers it in
 * {@code META-INF/services/org.lamina.plugins.api.WorkbenchPlugin}; the shell discovers it with
 * {@link java.util.ServiceLoader}. The JavaFX view side of the SPI arrives with the workbench
 * shell (issue #4); until then this module carries the identity part every panel shares.
 */
package org.lamina.plugins.api;
