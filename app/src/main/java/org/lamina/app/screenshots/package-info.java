/**
 * {@code lamina screenshots}: renders the main window and every panel headless (Monocle) in a
 * demo state on a bundled model and writes one PNG each.
 */
package org.lamina.app.screenshots;
