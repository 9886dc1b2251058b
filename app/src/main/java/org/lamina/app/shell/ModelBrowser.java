package org.lamina.app.shell;

import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The left side of the window: the bundled sample models, the open model as a tree of its probe
 * points with their shapes, and the data sets with a thumbnail list of their images.
 */
final class ModelBrowser {

    private final ShellContext context;
    private final VBox node = new VBox(4);
    private final ListView<String> samples = new ListView<>();
    private final TreeView<String> tree = new TreeView<>();
    private final ComboBox<LoadedDataset> dataSetBox = new ComboBox<>();
    private final ListView<Integer> images = new ListView<>();
    private final StorePane storePane;
    private boolean updatingTree;

    ModelBrowser(ShellContext context, List<String> sampleNames, Consumer<String> openModel) {
        this.context = context;
        this.storePane = new StorePane(context);
        samples.setId("samples");
        tree.setId("probe-points");
        dataSetBox.setId("data-sets");
        images.setId("images");

        samples.getItems().setAll(sampleNames);
        samples.setPrefHeight(Math.min(5, Math.max(1, sampleNames.size())) * 24 + 4);
        samples.setMinHeight(samples.getPrefHeight());
        samples.setTooltip(new Tooltip("Double-click (or Enter) to open a bundled model"));
        samples.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && samples.getSelectionModel().getSelectedItem() != null) {
                openModel.accept("sample:" + samples.getSelectionModel().getSelectedItem());
            }
        });
        samples.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && samples.getSelectionModel().getSelectedItem() != null) {
                openModel.accept("sample:" + samples.getSelectionModel().getSelectedItem());
            }
        });

        tree.setShowRoot(true);
        tree.setRoot(new TreeItem<>("no model open"));
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!updatingTree && b != null && b.getParent() != null) {
                context.selectedProbePoint.set(pointName(b.getValue()));
            }
        });
        context.model.addListener((o, a, b) -> {
            showModel(b);
            selectOwnDataSet();
        });
        context.selectedProbePoint.addListener((o, a, b) -> selectInTree(b));

        dataSetBox.setItems(context.dataSets);
        dataSetBox.setMaxWidth(Double.MAX_VALUE);
        dataSetBox.setConverter(new StringConverter<>() {
            @Override
            public String toString(LoadedDataset d) {
                return d == null ? "" : d.label();
            }

            @Override
            public LoadedDataset fromString(String s) {
                return null;
            }
        });
        context.dataSets.addListener((javafx.collections.ListChangeListener<LoadedDataset>) c -> {
            if (dataSetBox.getValue() == null && !context.dataSets.isEmpty()) {
                dataSetBox.setValue(context.dataSets.get(0));
            }
            selectOwnDataSet();
        });
        dataSetBox.valueProperty().addListener((o, a, d) -> images.getItems().setAll(
                d == null ? List.of() : IntStream.range(0, d.dataset().size()).boxed().toList()));
        images.setCellFactory(v -> new ThumbnailCell());
        images.getSelectionModel().selectedItemProperty().addListener((o, a, i) -> {
            if (i != null && dataSetBox.getValue() != null) {
                context.selectedImage.set(ImageSelection.item(dataSetBox.getValue(), i));
            }
        });

        TitledPane samplesPane = new TitledPane("Sample models", samples);
        TitledPane modelPane = new TitledPane("Probe points", tree);
        VBox dataBox = new VBox(4, dataSetBox, images);
        VBox.setVgrow(images, Priority.ALWAYS);
        TitledPane dataPane = new TitledPane("Data", dataBox);
        dataPane.setMaxHeight(Double.MAX_VALUE);
        modelPane.setMaxHeight(Double.MAX_VALUE);
        VBox.setVgrow(modelPane, Priority.SOMETIMES);
        VBox.setVgrow(dataPane, Priority.ALWAYS);
        node.setPadding(new Insets(4));
        // The data list keeps its share when a store opens below it: the bundled models' list
        // folds away (a model is open by then; one click unfolds it), and the point tree and the
        // item list keep at least a few rows each instead of shrinking to one.
        VBox.setVgrow(storePane.node(), Priority.SOMETIMES);
        tree.setMinHeight(4 * 24 + 4);
        images.setMinHeight(3 * 32 + 4);
        storePane.node().visibleProperty().addListener((o, was, shown) -> {
            if (shown) {
                samplesPane.setExpanded(false);
            }
        });
        node.getChildren().addAll(samplesPane, modelPane, dataPane, storePane.node());
        node.setMinWidth(200);
    }

    VBox node() {
        return node;
    }

    /** The feature store under the data list (hidden until one is opened). */
    StorePane storePane() {
        return storePane;
    }

    /** The tree of probe points (tests select in it as a user does). */
    TreeView<String> tree() {
        return tree;
    }

    /** Selects item {@code index} of the shown data set. */
    void selectImage(int index) {
        images.getSelectionModel().select(Integer.valueOf(index));
        images.scrollTo(index);
    }

    /**
     * Shows the open model's own test set (model.json {@code training.testData}) when the data list
     * holds it, instead of whichever bundled set came first: MNIST for mnist-cnn, not Fashion-MNIST.
     * A data set the user opened stays selected.
     */
    private void selectOwnDataSet() {
        LoadedModel m = context.model.get();
        if (m == null) {
            return;
        }
        LoadedDataset current = dataSetBox.getValue();
        if (current != null && !DatasetReference.BUNDLED_TEST_SETS.contains(current.reference())) {
            return;
        }
        ModelDataSets.test(m.model().manifest()).flatMap(own -> context.dataSets.stream()
                .filter(d -> d.reference().equals(own)).findFirst())
                .filter(own -> own != current)
                .ifPresent(dataSetBox::setValue);
    }

    private void showModel(LoadedModel m) {
        updatingTree = true;
        try {
            if (m == null) {
                tree.setRoot(new TreeItem<>("no model open"));
                return;
            }
            ModelManifest mf = m.model().manifest();
            TreeItem<String> root = new TreeItem<>(mf.name() + "  " + Arrays.toString(mf.input().shape())
                    + " → " + mf.labels().size() + " classes");
            for (ProbePoint p : mf.probePoints()) {
                root.getChildren().add(new TreeItem<>(p.name() + "  " + Arrays.toString(p.shape())));
            }
            root.setExpanded(true);
            tree.setRoot(root);
            tree.setTooltip(new Tooltip(mf.description() + "\n" + m.model().parameterCount() + " parameters, "
                    + m.model().device()));
        } finally {
            updatingTree = false;
        }
        selectInTree(context.selectedProbePoint.get());
    }

    private void selectInTree(String point) {
        if (point == null || tree.getRoot() == null) {
            return;
        }
        for (TreeItem<String> item : tree.getRoot().getChildren()) {
            if (pointName(item.getValue()).equals(point) && tree.getSelectionModel().getSelectedItem() != item) {
                updatingTree = true;
                try {
                    tree.getSelectionModel().select(item);
                } finally {
                    updatingTree = false;
                }
            }
        }
    }

    private static String pointName(String treeText) {
        int at = treeText.indexOf("  ");
        return at < 0 ? treeText : treeText.substring(0, at);
    }

    /**
     * Item {@code index} of {@code data} as an image for a list cell, or null when the set's
     * samples are not images ({@code [C, H, W]}); the data list and the feature-store rows draw
     * their thumbnails with it.
     */
    static Image thumbnail(Dataset data, int index) {
        long[] shape = data.sampleShape();
        if (shape.length != 3 || index < 0 || index >= data.size()) {
            return null;
        }
        return SwingFXUtils.toFXImage(ImageInput.toImage(data.sample(index), (int) shape[0], (int) shape[1],
                (int) shape[2]), null);
    }

    /** A data-set item: its thumbnail, index and label. */
    private final class ThumbnailCell extends ListCell<Integer> {
        private final ImageView view = new ImageView();

        ThumbnailCell() {
            view.setFitWidth(28);
            view.setFitHeight(28);
            view.setSmooth(false);
        }

        @Override
        protected void updateItem(Integer index, boolean empty) {
            super.updateItem(index, empty);
            LoadedDataset d = dataSetBox.getValue();
            if (empty || index == null || d == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            // The list is virtual: only the cells in view are drawn, so a folder of 50,000 images decodes
            // the dozen shown (from their files, ImageFolderDataset keeps the last few), never the whole set.
            Dataset data = d.dataset();
            Image img = thumbnail(data, index);
            view.setImage(img);
            setGraphic(img == null ? null : view);
            int label = data.label(index);
            setText("#" + index + "  " + (label >= 0 && label < data.classNames().size() ? data.classNames().get(label) : ""));
        }
    }
}
