package org.lamina.app.shell;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

import org.lamina.analysis.model.EngineReport;

import java.util.Map;

/** Help → Engine: the engine's versions, natives, CUDA, GPU memory and offline mode. */
final class EngineDialog {

    private EngineDialog() {
    }

    /** Gathers the report as a job, then shows it. */
    static void show(JobArea jobs, Window owner) {
        jobs.submit("Engine report", p -> EngineReport.collect(), report -> {
            Alert alert = new Alert(Alert.AlertType.INFORMATION, null, ButtonType.CLOSE);
            alert.initOwner(owner);
            alert.setTitle("Engine");
            alert.setHeaderText("Deep-learning engine");
            alert.getDialogPane().setContent(grid(report));
            alert.show();
        });
    }

    static GridPane grid(Map<String, String> report) {
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(4);
        int row = 0;
        for (Map.Entry<String, String> e : report.entrySet()) {
            Label k = new Label(e.getKey());
            k.setStyle("-fx-font-weight: bold;");
            g.addRow(row++, k, new Label(e.getValue()));
        }
        return g;
    }
}
