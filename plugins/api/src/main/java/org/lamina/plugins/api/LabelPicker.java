package org.lamina.plugins.api;

import javafx.collections.FXCollections;
import javafx.scene.control.Tooltip;

import org.controlsfx.control.SearchableComboBox;

import java.util.ArrayList;
import java.util.List;

/**
 * The one class (label) chooser of every panel: a combo box whose field filters the list as you
 * type (every typed word must occur in the name, case ignored), so one of 1000 ImageNet classes is
 * a few key strokes away instead of a scroll through 1000 rows (issue #21, §5). The list is
 * virtualised (a {@code ListView}), and the value is the chosen label, as with a plain combo box.
 *
 * <p>A panel may put entries of its own before the labels ("(predicted class)", "All classes");
 * {@link #labelIndex()} is the chosen label's class index, −1 for such an entry. Change the
 * choices with {@link #setChoices} and {@link #addChoice}, not through {@code getItems()}.
 */
public class LabelPicker extends SearchableComboBox<String> {

    private final List<String> leading = new ArrayList<>();

    /** A picker with node id {@code id} (tests and screenshots look it up). */
    public LabelPicker(String id) {
        setId(id);
        setPromptText("type to search");
        setVisibleRowCount(16);
        setTooltip(new Tooltip("Type part of a class name to filter the list"));
    }

    /**
     * Replaces the choices with {@code leadingEntries} followed by {@code labels} and selects the
     * first choice (none when there are none).
     */
    public void setChoices(List<String> leadingEntries, List<String> labels) {
        leading.clear();
        leading.addAll(leadingEntries);
        List<String> all = new ArrayList<>(leadingEntries.size() + labels.size());
        all.addAll(leadingEntries);
        all.addAll(labels);
        replaceItems(all);
        if (!all.isEmpty()) {
            getSelectionModel().select(0);
        }
        setTooltip(new Tooltip("Type part of a class name to filter the " + labels.size() + " classes"));
    }

    /** Adds one choice at the end (e.g. a recorded list of classes that a session restores). */
    public void addChoice(String choice) {
        List<String> all = new ArrayList<>(getItems());
        all.add(choice);
        String value = getValue();
        replaceItems(all);
        setValue(value);
    }

    /**
     * Never edits the item list in place: the skin filters a view of it, and a value listener
     * that runs while that view is half updated reads past its end (seen as an
     * IndexOutOfBoundsException when another model opened). The value is cleared first and a new
     * list is set, which the skin re-wraps.
     */
    private void replaceItems(List<String> all) {
        setValue(null);
        setItems(FXCollections.observableArrayList(all));
    }

    /** The labels alone (the choices after the panel's own entries). */
    public List<String> labels() {
        return List.copyOf(getItems().subList(leading.size(), getItems().size()));
    }

    /** Class index of the chosen label; −1 when nothing or one of the panel's own entries is chosen. */
    public int labelIndex() {
        int i = getSelectionModel().getSelectedIndex();
        return i < leading.size() ? -1 : i - leading.size();
    }

    /** Chooses the label of class {@code index} (a panel's own entries are not counted). */
    public void selectLabel(int index) {
        getSelectionModel().select(leading.size() + index);
    }
}
