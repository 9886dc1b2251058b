package org.lamina.app.prefs;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.plugins.api.WorkbenchSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * Persists the workbench's settings, recent models and window layout under one preferences
 * node: {@code org/lamina/workbench} by default, another with {@code -Dlamina.prefs.node=...}
 * (tests use their own node so that they never touch the user's).
 */
public final class SettingsStore {

    /** How many recent models are kept. */
    public static final int RECENT_MAX = 8;

    private final Preferences node;

    public SettingsStore(Preferences node) {
        this.node = node;
    }

    /** The store of this user (node from {@code lamina.prefs.node}, default {@code org/lamina/workbench}). */
    public static SettingsStore forUser() {
        return new SettingsStore(Preferences.userRoot().node(System.getProperty("lamina.prefs.node", "org/lamina/workbench")));
    }

    /** The saved settings; defaults for anything missing or invalid (a bad value never blocks startup). */
    public WorkbenchSettings settings() {
        WorkbenchSettings d = WorkbenchSettings.defaults();
        try {
            return new WorkbenchSettings(
                    ModelRuntime.DeviceChoice.parse(node.get("device", d.device().name())),
                    node.getInt("batchSize", d.batchSize()),
                    ExportFormat.parse(node.get("exportFormat", d.exportFormat().name())),
                    node.getInt("dpi", d.dpi()),
                    node.getDouble("widthCm", d.widthCm()),
                    node.getLong("seed", d.seed()));
        } catch (IllegalArgumentException e) {
            return d;
        }
    }

    /** Saves the settings. */
    public void save(WorkbenchSettings s) {
        node.put("device", s.device().name());
        node.putInt("batchSize", s.batchSize());
        node.put("exportFormat", s.exportFormat().name());
        node.putInt("dpi", s.dpi());
        node.putDouble("widthCm", s.widthCm());
        node.putLong("seed", s.seed());
        flush();
    }

    /** Recent model locations, newest first. */
    public List<String> recentModels() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < RECENT_MAX; i++) {
            String v = node.get("recent." + i, null);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Moves (or adds) a model location to the top of the recent list. */
    public void addRecentModel(String location) {
        List<String> list = recentModels();
        list.remove(location);
        list.add(0, location);
        for (int i = 0; i < RECENT_MAX; i++) {
            if (i < list.size()) {
                node.put("recent." + i, list.get(i));
            } else {
                node.remove("recent." + i);
            }
        }
        flush();
    }

    /** The last model opened, or {@code null}. */
    public String lastModel() {
        List<String> r = recentModels();
        return r.isEmpty() ? null : r.get(0);
    }

    /** A remembered number (window geometry, split positions). */
    public double layout(String key, double fallback) {
        return node.getDouble("layout." + key, fallback);
    }

    /** Remembers a number of the window layout. */
    public void setLayout(String key, double value) {
        node.putDouble("layout." + key, value);
    }

    /** Writes pending changes to the backing store. */
    public void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // Preferences are a convenience: losing them must not stop the user's work.
        }
    }

    /** Removes everything stored (tests). */
    public void clear() {
        try {
            node.clear();
            node.flush();
        } catch (BackingStoreException e) {
            // Nothing to keep in a node that cannot be written.
        }
    }
}
