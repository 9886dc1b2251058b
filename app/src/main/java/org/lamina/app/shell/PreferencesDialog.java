package org.lamina.app.shell;

import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.plugins.api.WorkbenchSettings;

import java.util.Optional;

/** Edit → Preferences: device, batch size, export format, DPI, figure width, seed. */
final class PreferencesDialog {

    private PreferencesDialog() {
    }

    /** Shows the dialog; the new settings if the user pressed OK and they are valid. */
    static Optional<WorkbenchSettings> show(WorkbenchSettings current, Window owner) {
        Dialog<WorkbenchSettings> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle("Preferences");
        d.setHeaderText("Lamina preferences (saved for your user account)");
        ComboBox<ModelRuntime.DeviceChoice> device = new ComboBox<>();
        device.getItems().setAll(ModelRuntime.DeviceChoice.values());
        device.setValue(current.device());
        Spinner<Integer> batch = new Spinner<>(1, 4096, current.batchSize(), 16);
        batch.setEditable(true);
        ComboBox<ExportFormat> format = new ComboBox<>();
        format.getItems().setAll(ExportFormat.values());
        format.setValue(current.exportFormat());
        Spinner<Integer> dpi = new Spinner<>(72, 1200, current.dpi(), 50);
        dpi.setEditable(true);
        Spinner<Double> width = new Spinner<>(2.0, 60.0, current.widthCm(), 0.5);
        width.setEditable(true);
        TextField seed = new TextField(Long.toString(current.seed()));
        Label error = new Label();
        error.setStyle("-fx-text-fill: #b00020;");
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        g.addRow(0, new Label("Device (takes effect for the next model opened)"), device);
        g.addRow(1, new Label("Batch size"), batch);
        g.addRow(2, new Label("Default export format"), format);
        g.addRow(3, new Label("PNG resolution (DPI)"), dpi);
        g.addRow(4, new Label("Figure width (cm; 8.5 = one column, 17.8 = two)"), width);
        g.addRow(5, new Label("Seed"), seed);
        g.add(error, 0, 6, 2, 1);
        d.getDialogPane().setContent(g);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        d.getDialogPane().lookupButton(ButtonType.OK).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            try {
                build(device, batch, format, dpi, width, seed);
            } catch (IllegalArgumentException ex) {
                error.setText(ex.getMessage());
                e.consume();
            }
        });
        d.setResultConverter(b -> b == ButtonType.OK ? build(device, batch, format, dpi, width, seed) : null);
        return d.showAndWait();
    }

    private static WorkbenchSettings build(ComboBox<ModelRuntime.DeviceChoice> device, Spinner<Integer> batch,
                                           ComboBox<ExportFormat> format, Spinner<Integer> dpi, Spinner<Double> width,
                                           TextField seed) {
        long s;
        try {
            s = Long.parseLong(seed.getText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be a whole number, got '" + seed.getText() + "'");
        }
        return new WorkbenchSettings(device.getValue(), batch.getValue(), format.getValue(), dpi.getValue(),
                width.getValue(), s);
    }
}
