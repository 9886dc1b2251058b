package org.lamina.app.shell;

import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.SessionLog;

import java.util.ArrayList;
import java.util.List;

/** The current session's analyses, in the order the panels applied them (JavaFX thread only). */
public final class SessionRecorder implements SessionLog {

    private final List<SessionDocument.AnalysisEntry> entries = new ArrayList<>();

    @Override
    public void record(String pluginId, SessionDocument.AnalysisEntry entry, boolean replaceLatest) {
        SessionDocument.AnalysisEntry withPlugin = new SessionDocument.AnalysisEntry(pluginId, entry.method(),
                entry.parameters(), entry.results());
        if (replaceLatest) {
            for (int i = entries.size() - 1; i >= 0; i--) {
                SessionDocument.AnalysisEntry e = entries.get(i);
                if (pluginId.equals(e.plugin()) && e.method().equals(entry.method())) {
                    entries.set(i, withPlugin);
                    return;
                }
            }
        }
        entries.add(withPlugin);
    }

    /** The analyses so far. */
    public List<SessionDocument.AnalysisEntry> entries() {
        return List.copyOf(entries);
    }

    /** Forgets every analysis (a new model or a new session). */
    public void clear() {
        entries.clear();
    }
}
