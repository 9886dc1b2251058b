package org.lamina.app.plugins;

import org.lamina.plugins.api.WorkbenchPlugin;

/**
 * A discovered plugin: loaded (with its instance) or failed (with the reason).
 *
 * @param id     the plugin's id, or its provider class name when it could not even be created
 * @param title  its title, or the id
 * @param plugin the plugin, or {@code null} when it failed to load
 * @param error  why it failed, or {@code null}
 */
public record PluginStatus(String id, String title, WorkbenchPlugin plugin, String error) {

    /** Whether the plugin failed. */
    public boolean failed() {
        return error != null;
    }

    /** The same plugin, now failed for {@code reason}. */
    public PluginStatus failedWith(String reason) {
        return new PluginStatus(id, title, plugin, reason);
    }

    /** A one-line reason from an exception: its type and message, and the first cause. */
    public static String reason(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        Throwable c = e.getCause();
        if (c != null && c != e) {
            sb.append(" (caused by ").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
