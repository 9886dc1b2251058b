package org.lamina.app.plugins;

import org.lamina.plugins.api.WorkbenchPlugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds the workbench plugins on the class path, isolating the broken ones. */
public final class PluginLoader {

    /**
     * Tab order of the known panels (the order of the brief: explorer first, as the panel a new
     * user sees); other plugins follow by id. Without it the order would follow the class path,
     * which differs between the launcher and the IDE.
     */
    private static final List<String> KNOWN_ORDER =
            List.of("explorer", "infoplane", "craft", "neuronpath", "conceptdepth", "chmcorr");

    private PluginLoader() {
    }

    /** Every plugin, loaded or failed: known panels in their order, then the others by id. */
    public static List<PluginStatus> discover(ClassLoader loader) {
        List<PluginStatus> out = new ArrayList<>();
        Iterator<ServiceLoader.Provider<WorkbenchPlugin>> providers =
                ServiceLoader.load(WorkbenchPlugin.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<WorkbenchPlugin> provider;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                provider = providers.next();
            } catch (ServiceConfigurationError e) {
                // A listed class that is missing or not a plugin; the iterator goes on to the next one.
                out.add(new PluginStatus("(unknown)", "(unknown)", null, PluginStatus.reason(e)));
                continue;
            }
            out.add(load(provider));
        }
        out.sort(Comparator.comparingInt((PluginStatus p) -> rank(p.id())).thenComparing(PluginStatus::id));
        return out;
    }

    private static int rank(String id) {
        int at = KNOWN_ORDER.indexOf(id);
        return at < 0 ? KNOWN_ORDER.size() : at;
    }

    /** {@link #discover(ClassLoader)} with this class's loader. */
    public static List<PluginStatus> discover() {
        return discover(PluginLoader.class.getClassLoader());
    }

    private static PluginStatus load(ServiceLoader.Provider<WorkbenchPlugin> provider) {
        String className = provider.type().getName();
        WorkbenchPlugin plugin;
        try {
            plugin = provider.get();
        } catch (Throwable e) {
            Throwable cause = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
            return new PluginStatus(className, className, null, "failed to load: " + PluginStatus.reason(cause));
        }
        String id;
        String title;
        try {
            id = plugin.id();
            title = plugin.title();
        } catch (Throwable e) {
            return new PluginStatus(className, className, null, "failed to load: " + PluginStatus.reason(e));
        }
        int api;
        try {
            api = plugin.apiVersion();
        } catch (Throwable e) {
            return new PluginStatus(id, title, null, "failed to load: " + PluginStatus.reason(e));
        }
        if (api != WorkbenchPlugin.API_VERSION) {
            return new PluginStatus(id, title, null, "built for plugin API version " + api
                    + ", this Lamina provides version " + WorkbenchPlugin.API_VERSION);
        }
        return new PluginStatus(id, title, plugin, null);
    }
}
