package org.lamina.plugins.api;

import javafx.scene.Node;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.session.SessionDocument;

import java.util.List;

/** The view a plugin created: its node, plus what the shell asks of every panel. */
public interface PluginView {

    /** The panel's content, shown in its tab. */
    Node node();

    /** The figures currently shown (for "export all" and screenshots); may be empty. */
    default List<Figure> figures() {
        return List.of();
    }

    /**
     * Restores one analysis recorded in a session under this plugin's id (on the JavaFX thread;
     * the view reruns it through the job runner).
     *
     * @throws IllegalArgumentException when the entry cannot be applied, with the reason
     */
    default void restore(SessionDocument.AnalysisEntry entry) {
        throw new IllegalArgumentException("panel cannot restore analysis '" + entry.method() + "'");
    }

    /** Releases what the view holds (listeners, images) when the shell closes it. */
    default void dispose() {
    }
}
