package org.lamina.plugins.explorer;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.evaluate.ConfusionFigure;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.WorkbenchContext;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The explorer's evaluation tab: the open model's top-1/top-5 accuracy on a labelled data set, a
 * per-class table and the confusion heat map (issue #21, §5). The table is a virtualised
 * {@link TableView} (1000 classes cost 1000 row objects, not 1000 drawn rows) with a filter field
 * (every typed word in the class name, or the class index) and a switch that hides classes without
 * samples; a class without samples shows "—", never NaN. The data set is the model's own test set
 * when its manifest records one, else the first open data set with the model's input shape and
 * labels.
 */
final class EvaluationPane {

    /** Shown for a class without samples. */
    static final String NO_VALUE = "—";

    private final WorkbenchContext context;
    private final VBox root = new VBox(6);
    private final Button run = new Button("Evaluate");
    private final Label summary = new Label("Evaluate the open model on a labelled data set.");
    private final TextField filter = new TextField();
    private final CheckBox withSamples = new CheckBox("only classes with samples");
    private final TableView<Evaluation.ClassResult> table = new TableView<>();
    private final javafx.collections.ObservableList<Evaluation.ClassResult> rows = FXCollections.observableArrayList();
    private final FilteredList<Evaluation.ClassResult> filtered = new FilteredList<>(rows);
    private final FigureView confusion;
    private JobHandle<Evaluation> running;
    private Evaluation result;

    EvaluationPane(WorkbenchContext context) {
        this.context = context;
        run.setId("explorer-evaluate");
        summary.setId("explorer-eval-summary");
        filter.setId("explorer-eval-filter");
        withSamples.setId("explorer-eval-with-samples");
        table.setId("explorer-eval-table");
        filter.setPromptText("filter classes: name or index");
        filter.setPrefColumnCount(18);
        confusion = new FigureView(context.export());
        confusion.setId("explorer-confusion");
        confusion.setStyle("-fx-background-color: white; -fx-border-color: #d0d0d0;");

        table.getColumns().add(EvaluationPane.<Integer>column("#", 50, r -> r.index(), Comparator.naturalOrder(), String::valueOf));
        table.getColumns().add(column("class", 180, Evaluation.ClassResult::label, Comparator.naturalOrder(), s -> s));
        table.getColumns().add(EvaluationPane.<Integer>column("samples", 70, r -> r.samples(), Comparator.naturalOrder(), String::valueOf));
        table.getColumns().add(EvaluationPane.<Integer>column("correct", 70, r -> r.correct(), Comparator.naturalOrder(), String::valueOf));
        table.getColumns().add(column("top-1", 80, r -> accuracy(r, false), Comparator.naturalOrder(), EvaluationPane::percent));
        table.getColumns().add(column("top-5", 80, r -> accuracy(r, true), Comparator.naturalOrder(), EvaluationPane::percent));
        table.setPlaceholder(new Label("no evaluation yet"));
        SortedList<Evaluation.ClassResult> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        filter.textProperty().addListener((o, a, b) -> refilter());
        withSamples.selectedProperty().addListener((o, a, b) -> refilter());
        run.setOnAction(e -> start());

        HBox bar = new HBox(8, run, summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(summary, Priority.ALWAYS);
        summary.setMaxWidth(Double.MAX_VALUE);
        summary.setMinWidth(0);
        HBox tools = new HBox(8, new Label("Filter:"), filter, withSamples);
        tools.setAlignment(Pos.CENTER_LEFT);
        VBox left = new VBox(6, tools, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        SplitPane split = new SplitPane(left, confusion);
        split.setDividerPositions(0.48);
        VBox.setVgrow(split, Priority.ALWAYS);
        root.setPadding(new Insets(4, 0, 0, 0));
        root.getChildren().addAll(bar, split);
    }

    Node node() {
        return root;
    }

    FigureView confusion() {
        return confusion;
    }

    /** The last evaluation shown, or {@code null}. */
    Evaluation result() {
        return result;
    }

    /** The rows the table shows now (after filter and sort). */
    List<Evaluation.ClassResult> shownRows() {
        return List.copyOf(table.getItems());
    }

    /** A class's accuracy, or {@code null} for a class without samples (drawn as "—", sorted first). */
    private static Double accuracy(Evaluation.ClassResult r, boolean top5) {
        var v = top5 ? r.top5Accuracy() : r.accuracy();
        return v.isPresent() ? v.getAsDouble() : null;
    }

    static String percent(Double v) {
        return v == null ? NO_VALUE : String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    private static <T> TableColumn<Evaluation.ClassResult, T> column(String title, double width,
            Function<Evaluation.ClassResult, T> value, Comparator<T> order, Function<T, String> text) {
        TableColumn<Evaluation.ClassResult, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        c.setComparator(Comparator.nullsFirst(order));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : text.apply(item));
            }
        });
        return c;
    }

    /** What the filter field and the switch keep: every word in the label, or the class index. */
    static Predicate<Evaluation.ClassResult> predicate(String text, boolean onlyWithSamples) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        String[] words = t.isEmpty() ? new String[0] : t.split("\\s+");
        return r -> {
            if (onlyWithSamples && r.samples() == 0) {
                return false;
            }
            if (words.length == 0) {
                return true;
            }
            if (words.length == 1 && words[0].chars().allMatch(Character::isDigit) && words[0].length() < 10
                    && Integer.parseInt(words[0]) == r.index()) {
                return true;
            }
            String label = r.label().toLowerCase(Locale.ROOT);
            return Arrays.stream(words).allMatch(label::contains);
        };
    }

    private void refilter() {
        filtered.setPredicate(predicate(filter.getText(), withSamples.isSelected()));
    }

    /** Runs the evaluation as a job (a running one is cancelled). */
    void start() {
        LoadedModel m = context.modelProperty().get();
        if (m == null) {
            summary.setText("Open a model first.");
            return;
        }
        ProbeableModel model = m.model();
        ModelManifest mf = model.manifest();
        String own = ModelDataSets.test(mf).orElse(null);
        LoadedDataset open = own != null ? null : context.dataSets().stream()
                .filter(d -> Arrays.equals(d.dataset().sampleShape(), mf.input().shape())
                        && d.dataset().classNames().equals(mf.labels()))
                .findFirst().orElse(null);
        if (own == null && open == null) {
            summary.setText("No data set for " + mf.name() + ": it records no test set (model.json training.testData) "
                    + "and no open data set has its input shape and labels.");
            return;
        }
        if (running != null) {
            running.cancel();
        }
        String name = own != null ? own : open.reference();
        summary.setText("evaluating on " + name + "…");
        running = context.jobs().submit("Evaluate " + mf.name() + " on " + name, progress -> {
            Dataset d = own != null ? SampleData.open(own, mf.input().shape(), mf.labels(), null) : open.dataset();
            progress.begin(d.size());
            int[] last = {0};
            return Evaluation.run(model, d, done -> {
                progress.advance(done - last[0]);
                last[0] = done;
                progress.checkCancelled();
            });
        }, this::show);
    }

    void show(Evaluation e) {
        result = e;
        running = null;
        rows.setAll(e.perClass());
        refilter();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s on %s: top-1 %.2f %%", e.model(), e.data(),
                100 * e.accuracy()));
        e.top5Accuracy().ifPresent(a -> s.append(String.format(Locale.ROOT, ", top-5 %.2f %%", 100 * a)));
        s.append(String.format(Locale.ROOT, " · %d samples · %d classes, %d with samples", e.samples(), e.labels().size(),
                e.classesWithSamples()));
        summary.setText(s.toString());
        confusion.setFigure(new ConfusionFigure(e));
    }
}
