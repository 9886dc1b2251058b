package org.lamina.plugins.api;

import org.lamina.analysis.session.SessionDocument;

/**
 * The ordered list of analyses of the current session. A panel records each analysis it applies;
 * File → Save session writes them in order.
 */
public interface SessionLog {

    /**
     * Records an analysis under the plugin's id. With {@code replaceLatest} the plugin's previous
     * entry of the same method is replaced in place (a panel that shows one state at a time, like
     * the explorer, records its state rather than every click).
     */
    void record(String pluginId, SessionDocument.AnalysisEntry entry, boolean replaceLatest);
}
