/**
 * What the workbench remembers between runs, in {@link java.util.prefs.Preferences}: the
 * settings of Edit → Preferences ({@link org.lamina.app.prefs.SettingsStore}), the recent models
 * and the window's size, position and split positions.
 */
package org.lamina.app.prefs;
