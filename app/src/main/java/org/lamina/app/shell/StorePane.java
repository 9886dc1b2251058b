package org.lamina.app.shell;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.featurestore.StoreOverview;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A feature store in the data list (issue #20): the manifest's summary, an SQL filter over its
 * rows and the matching rows (item, label, source). The store's own data set is opened beside it
 * when its content is still the one extracted, so a row click shows that image to every panel.
 * Opening, counting and filtering run as jobs in {@link StoreOverview}; this pane only collects the
 * condition and draws the answer.
 */
final class StorePane {

    private final ShellContext context;
    private final TitledPane pane;
    private final Label summary = new Label();
    private final TextField filter = new TextField();
    private final Label status = new Label();
    private final ListView<Integer> rows = new ListView<>();
    private StoreOverview overview;
    private StoreOverview.Rows shown;
    private LoadedDataset data;
    private Path directory;

    StorePane(ShellContext context) {
        this.context = context;
        summary.setId("store-summary");
        summary.setWrapText(true);
        // Every line of the manifest's summary, not an ellipsis: the pane grows by its height instead.
        summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        summary.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        filter.setId("store-filter");
        filter.setPromptText("SQL condition, e.g. label = 3");
        filter.setTooltip(new Tooltip("DuckDB SQL over item_id, label, source and the point columns (float arrays, "
                + "e.g. list_max(\"stage3\") > 2); empty = every row. Enter applies."));
        filter.setOnAction(e -> apply());
        Button go = new Button("Filter");
        go.setOnAction(e -> apply());
        HBox line = new HBox(4, filter, go);
        HBox.setHgrow(filter, Priority.ALWAYS);
        status.setId("store-status");
        status.setWrapText(true);
        status.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        rows.setId("store-rows");
        rows.setPrefHeight(200);
        rows.setMinHeight(4 * 34 + 4);
        rows.setCellFactory(v -> new RowCell());
        rows.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> {
            if (row != null && data != null && shown != null) {
                context.selectedImage.set(ImageSelection.item(data, shown.items()[row]));
            }
        });
        VBox box = new VBox(4, summary, line, status, rows);
        VBox.setVgrow(rows, Priority.ALWAYS);
        box.setPadding(new Insets(2));
        pane = new TitledPane("Feature store", box);
        pane.setId("feature-store");
        pane.setMaxHeight(Double.MAX_VALUE);
        pane.setVisible(false);
        pane.setManaged(false);
    }

    TitledPane node() {
        return pane;
    }

    /** What opening a store gives the pane: the overview, its first rows and, if it opens as extracted, its data set. */
    private record Opened(StoreOverview overview, StoreOverview.Rows rows, LoadedDataset data, String dataNote) {
    }

    /** Opens the store in {@code dir} as a job and shows it. */
    void open(Path dir) {
        open(dir, null);
    }

    /**
     * What a session keeps of this pane: the open store and the condition typed in it, or null
     * when no store is open.
     */
    SessionDocument.FeatureStoreView view() {
        if (directory == null) {
            return null;
        }
        String where = filter.getText();
        return new SessionDocument.FeatureStoreView(directory.toString(), where == null || where.isBlank() ? null : where);
    }

    /** Opens the store in {@code dir} as a job and shows its rows matching {@code where} (null: all). */
    void open(Path dir, String where) {
        LoadedModel m = context.model.get();
        ModelManifest.InputSpec input = m != null && m.model().manifest().input().isImage() ? m.model().manifest().input()
                : new ModelManifest.InputSpec(new long[] {1, 28, 28}, new float[] {0f}, new float[] {1f});
        context.jobs.submit("Open feature store " + dir.getFileName(), p -> {
            p.message("reading " + dir.resolve(StoreManifest.FILE));
            StoreOverview o = StoreOverview.open(dir);
            StoreOverview.Rows r = o.rows(where, StoreOverview.DEFAULT_LIMIT);
            StoreManifest.DataInfo d = o.store().manifest().data();
            LoadedDataset loaded = null;
            String note;
            try {
                List<String> labels = d.labelNames() == null ? List.of() : d.labelNames();
                Dataset ds = DatasetReference.open(d.reference(), input, labels);
                if (ds.contentIdentity().equals(d.identity())) {
                    loaded = new LoadedDataset(d.reference(), ds);
                    note = null;
                } else {
                    note = "data set " + d.reference() + " has changed since the extraction; rows are shown without images";
                }
            } catch (RuntimeException e) {
                note = "data set " + d.reference() + " does not open here (" + e.getMessage() + "); rows are shown "
                        + "without images";
            }
            return new Opened(o, r, loaded, note);
        }, o -> show(o, dir, where), message -> {
            pane.setVisible(true);
            pane.setManaged(true);
            pane.setExpanded(true);
            status.setText(message);
            status.setStyle("-fx-text-fill: #b00020;");
        });
    }

    private void show(Opened o, Path dir, String where) {
        overview = o.overview();
        directory = dir;
        filter.setText(where == null ? "" : where);
        data = o.data();
        if (data != null) {
            LoadedDataset same = context.dataSets.stream().filter(x -> x.reference().equals(data.reference())
                    && x.dataset().contentIdentity().equals(data.dataset().contentIdentity())).findFirst().orElse(null);
            if (same != null) {
                data = same;
            } else {
                context.dataSets.add(data);
            }
        }
        pane.setText("Feature store — " + dir.getFileName());
        summary.setText(String.join("\n", overview.compactSummary()));
        summary.setTooltip(new Tooltip(String.join("\n", overview.summary())));
        pane.setVisible(true);
        pane.setManaged(true);
        pane.setExpanded(true);
        showRows(o.rows(), where);
        if (o.dataNote() != null) {
            status.setText(status.getText() + "\n" + o.dataNote());
        }
        context.jobs.log("opened feature store " + dir + " (" + overview.store().manifest().rows() + " rows)");
    }

    /** Runs the typed condition as a job. */
    void apply() {
        if (overview == null) {
            return;
        }
        String where = filter.getText();
        StoreOverview o = overview;
        context.jobs.submit("Filter feature store", p -> o.rows(where, StoreOverview.DEFAULT_LIMIT),
                r -> showRows(r, where), message -> {
                    status.setText(message);
                    status.setStyle("-fx-text-fill: #b00020;");
                });
    }

    /** Sets the condition and applies it (tests and screenshots type as a user does). */
    void filter(String where) {
        filter.setText(where);
        apply();
    }

    private void showRows(StoreOverview.Rows r, String where) {
        shown = r;
        long total = overview.store().manifest().rows();
        String listed = r.items().length < r.matching() ? ", first " + r.items().length + " listed" : "";
        status.setStyle("");
        status.setText(String.format(Locale.ROOT, "%,d of %,d rows%s%s", r.matching(), total,
                where == null || where.isBlank() ? "" : " match", listed));
        rows.getItems().setAll(java.util.stream.IntStream.range(0, r.items().length).boxed().toList());
    }

    /** One row: the item's thumbnail (when its data set is open), id and label; its source as a tooltip. */
    private final class RowCell extends ListCell<Integer> {
        private final ImageView view = new ImageView();

        RowCell() {
            view.setFitWidth(28);
            view.setFitHeight(28);
            view.setSmooth(false);
        }

        @Override
        protected void updateItem(Integer row, boolean empty) {
            super.updateItem(row, empty);
            if (empty || row == null || shown == null || row >= shown.items().length) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                return;
            }
            int item = shown.items()[row];
            int label = shown.labels()[row];
            List<String> names = overview.store().manifest().data().labelNames();
            String name = label == FeatureChunk.NO_LABEL ? "" : names != null && label < names.size() ? names.get(label)
                    : String.valueOf(label);
            String source = shown.sources()[row];
            // A bundled set's source is just "item N", which the id already says; a file's name is worth a line.
            boolean plain = source == null || source.equals("item " + item);
            setText("#" + item + "  " + name + (plain ? "" : "  " + Path.of(source).getFileName()));
            setTooltip(plain ? null : new Tooltip(source));
            // Virtual list: only the rows in view decode their image.
            javafx.scene.image.Image img = data == null ? null : ModelBrowser.thumbnail(data.dataset(), item);
            view.setImage(img);
            setGraphic(img == null ? null : view);
        }
    }
}
