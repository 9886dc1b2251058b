package org.lamina.plugins.api;

import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The pieces every panel's parameter form is made of, so that all panels look and validate
 * alike: a labelled two-column row, a text field, a figure pane, and number parsing whose
 * message names the field (the form shows it under the fields, in people's words).
 */
public final class FormControls {

    private FormControls() {
    }

    /** A text field with {@code text} and the node id {@code id} (tests and screenshots look it up). */
    public static TextField field(String text, String id) {
        TextField f = new TextField(text);
        f.setId(id);
        f.setPrefColumnCount(8);
        return f;
    }

    /**
     * Adds {@code label} and {@code control} as row {@code row} of a two-column form and returns
     * the next row. Labels keep their full text; the controls share what is left, so a combo box
     * with a long item cannot squeeze the labels into ellipses.
     */
    public static int addRow(GridPane form, int row, String label, Control control) {
        Label name = new Label(label);
        name.setMinWidth(Region.USE_PREF_SIZE);
        form.add(name, 0, row);
        control.setPrefWidth(100);
        control.setMinWidth(60);
        control.setMaxWidth(Double.MAX_VALUE);
        GridPane.setHgrow(control, Priority.ALWAYS);
        form.add(control, 1, row);
        return row + 1;
    }

    /** A figure pane on white with a thin border that grows with its cell; right-click exports. */
    public static FigureView figureView(FigureExport export, String id) {
        FigureView v = new FigureView(export);
        v.setId(id);
        v.setStyle("-fx-background-color: white; -fx-border-color: #d0d0d0;");
        v.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        return v;
    }

    /** Parses a whole number; the message names the field ({@code what}). */
    public static int parseInt(String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got '" + text.trim() + "'");
        }
    }

    /** Parses a whole number that may be large (seeds). */
    public static long parseLong(String what, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got '" + text.trim() + "'");
        }
    }

    /** Parses a number. */
    public static double parseDouble(String what, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text.trim() + "'");
        }
    }

    /** Shows enum constants in lower case in a combo box ({@code TANH} → {@code tanh}). */
    public static <E extends Enum<E>> javafx.util.StringConverter<E> lowerCase(Class<E> type) {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(E e) {
                return e == null ? "" : e.name().toLowerCase(java.util.Locale.ROOT);
            }

            @Override
            public E fromString(String s) {
                return Enum.valueOf(type, s.trim().toUpperCase(java.util.Locale.ROOT));
            }
        };
    }

    /** An empty two-column form grid with the panels' spacing; fill it with {@link #addRow}. */
    public static GridPane form() {
        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(5);
        return form;
    }

    /**
     * Checks a form: runs {@code check} (which builds the parameters and throws
     * {@link IllegalArgumentException} with a message for people when a field is wrong), shows that
     * message in {@code message} or hides it, and enables {@code start} only for a valid form —
     * except while {@code busy}, when the button stays enabled because it stops the run.
     *
     * @return whether the form is valid
     */
    public static boolean validate(Label message, javafx.scene.control.ButtonBase start, boolean busy, Runnable check) {
        try {
            check.run();
            message.setText("");
            message.setVisible(false);
            message.setManaged(false);
            start.setDisable(false);
            return true;
        } catch (IllegalArgumentException e) {
            message.setText(e.getMessage());
            message.setVisible(true);
            message.setManaged(true);
            start.setDisable(!busy);
            return false;
        }
    }

    /**
     * Styles a form's two message lines alike in every panel: the validation message in red, the
     * status line in grey, both wrapping within {@code width} pixels.
     */
    public static void messageLabels(Label validation, Label status, double width) {
        for (Label l : new Label[] {validation, status}) {
            l.setWrapText(true);
            l.setMaxWidth(width);
        }
        validation.setStyle("-fx-text-fill: #b00020;");
        status.setStyle("-fx-text-fill: #555;");
    }

    /**
     * Asks for a directory in a dialog owned by {@code owner}'s window (none while the panel is
     * not shown); empty when the user cancels.
     */
    public static java.util.Optional<java.nio.file.Path> chooseDirectory(javafx.scene.Node owner, String title) {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle(title);
        java.io.File dir = chooser.showDialog(owner.getScene() == null ? null : owner.getScene().getWindow());
        return java.util.Optional.ofNullable(dir).map(java.io.File::toPath);
    }
}
