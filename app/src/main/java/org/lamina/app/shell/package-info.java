/**
 * The JavaFX workbench window (issue #4): menus and tool bar, the model and data browser, one tab
 * per panel, the job area with its log, the status bar, and the dialogs (preferences, engine).
 * Nothing here computes on the JavaFX thread: model loading, analyses and exports are jobs run by
 * {@link org.lamina.app.shell.JobArea}.
 */
package org.lamina.app.shell;
