package org.lamina.plugins.explorer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;

import org.lamina.analysis.explorer.TextExplorerAnalysis;
import org.lamina.analysis.explorer.TextExplorerFigures;
import org.lamina.analysis.explorer.TextExplorerRequest;
import org.lamina.analysis.explorer.TextExplorerResult;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.logitlens.LogitLensFigure;
import org.lamina.analysis.model.LanguageModelSpec;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.WorkbenchContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The explorer's text tab for a language model (issue #18, "Explorer for text"): type a prompt,
 * see its tokens as chips, the next-token top-k, the logit-lens grid, the attention of a chosen
 * block per head and the histogram of a chosen point at a chosen token (click a chip). Every
 * figure is exportable through its view's menu like the image explorer's. The computation is
 * {@link TextExplorerAnalysis}; this pane only collects input, runs the job and draws.
 */
final class TextExplorerPane {

    /** Width the logit-lens figure is laid out at (its rows keep a readable height). */
    private static final double LENS_WIDTH = 520;

    private final WorkbenchContext context;
    private final VBox root = new VBox(6);
    private final TextField prompt = new TextField();
    private final ComboBox<String> blockBox = new ComboBox<>();
    private final ComboBox<String> pointBox = new ComboBox<>();
    private final ComboBox<String> lensColour = new ComboBox<>();
    private final Spinner<Integer> topK = new Spinner<>(1, TextExplorerRequest.MAX_TOP_K, 8);
    private final FlowPane chips = new FlowPane(4, 4);
    private final Label status = new Label();
    private final FigureView next;
    private final FigureView lens;
    private final FigureView attention;
    private final FigureView histogram;
    private JobHandle<TextExplorerResult> running;
    private TextExplorerResult result;
    private int token = -1;
    private LanguageModelTokenizer tokenizer;
    private String tokenizerModel;

    TextExplorerPane(WorkbenchContext context) {
        this.context = context;
        next = new FigureView(context.export());
        lens = new FigureView(context.export());
        attention = new FigureView(context.export());
        histogram = new FigureView(context.export());
        next.setId("explorer-text-next");
        lens.setId("explorer-text-lens");
        attention.setId("explorer-text-attention");
        histogram.setId("explorer-text-histogram");
        prompt.setId("explorer-text-prompt");
        chips.setId("explorer-text-chips");
        status.setId("explorer-text-status");
        blockBox.setId("explorer-text-block");
        pointBox.setId("explorer-text-point");
        prompt.setPromptText("type a prompt, then Enter");
        prompt.setPrefColumnCount(28);
        HBox.setHgrow(prompt, Priority.ALWAYS);
        lensColour.getItems().addAll("probability", "KL to output");
        lensColour.setValue("probability");
        topK.setPrefWidth(70);
        topK.setEditable(true);
        Button run = new Button("Run");
        run.setDefaultButton(false);
        run.setOnAction(e -> update());
        prompt.setOnAction(e -> update());
        blockBox.valueProperty().addListener((o, a, b) -> update());
        pointBox.valueProperty().addListener((o, a, b) -> update());
        topK.valueProperty().addListener((o, a, b) -> update());
        lensColour.valueProperty().addListener((o, a, b) -> redrawLens());
        HBox line1 = new HBox(8, new Label("Prompt:"), prompt, run);
        line1.setAlignment(Pos.CENTER_LEFT);
        HBox line2 = new HBox(8, new Label("Attention of:"), blockBox, new Label("Histogram at:"), pointBox,
                new Label("Top-k:"), topK, new Label("Lens colour:"), lensColour, status);
        line2.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setStyle("-fx-text-fill: #666;");
        Label chipsLabel = new Label("Tokens (click one for its histogram):");
        HBox tokenLine = new HBox(8, chipsLabel, chips);
        tokenLine.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(chips, Priority.ALWAYS);

        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.add(next, 0, 0);
        grid.add(lens, 1, 0);
        grid.add(attention, 0, 1);
        grid.add(histogram, 1, 1);
        double[] widths = {40, 60};
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(widths[i]);
            c.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(r);
        }
        for (FigureView v : List.of(next, lens, attention, histogram)) {
            v.setStyle("-fx-background-color: white; -fx-border-color: #d0d0d0;");
            v.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        }
        root.getChildren().addAll(line1, line2, tokenLine, grid);
        VBox.setVgrow(grid, Priority.ALWAYS);
        root.setPadding(new Insets(4, 0, 0, 0));
    }

    Node node() {
        return root;
    }

    /** The figures shown, for the panel's export. */
    List<Figure> figures() {
        return FigureView.shown(next, lens, attention, histogram);
    }

    /** The last result shown, or {@code null} (tests). */
    TextExplorerResult result() {
        return result;
    }

    /** The token position whose histogram is shown (tests). */
    int selectedToken() {
        return token;
    }

    /** Sets the prompt and runs it (tests, the screenshot, session restore). */
    void explore(String text) {
        prompt.setText(text);
        update();
    }

    /** Fills the choices from a language model (or clears them), keeping the prompt. */
    void modelChanged(LoadedModel m) {
        result = null;
        chips.getChildren().clear();
        for (FigureView v : List.of(next, lens, attention, histogram)) {
            v.setFigure(null);
        }
        blockBox.getItems().clear();
        pointBox.getItems().clear();
        if (m == null || !m.model().manifest().isCausalLm()) {
            status.setText(m == null ? "open a language model" : "the text view needs a language model");
            return;
        }
        ModelManifest mf = m.model().manifest();
        LanguageModelSpec lm = mf.requireLanguageModel();
        for (int i = 0; i < lm.blocks(); i++) {
            blockBox.getItems().add("block " + i);
        }
        pointBox.getItems().addAll(TextExplorerAnalysis.histogramPoints(mf));
        blockBox.setValue("block " + (lm.blocks() - 1));
        String last = lm.blockPoint(lm.blocks() - 1);
        pointBox.setValue(pointBox.getItems().contains(last) ? last : pointBox.getItems().isEmpty() ? null
                : pointBox.getItems().get(0));
        if (prompt.getText().isBlank()) {
            lm.reference().filter(ref -> !ref.prompts().isEmpty()).ifPresent(ref -> prompt.setText(ref.prompts().get(0)));
        }
        status.setText("");
        update();
    }

    private TextExplorerRequest request() {
        String block = blockBox.getValue();
        return new TextExplorerRequest(prompt.getText(), block == null ? 0 : Integer.parseInt(block.substring(6)),
                pointBox.getValue(), topK.getValue());
    }

    private void update() {
        LoadedModel m = context.modelProperty().get();
        if (m == null || !m.model().manifest().isCausalLm() || pointBox.getValue() == null || blockBox.getValue() == null) {
            return;
        }
        if (prompt.getText().isBlank()) {
            status.setText("type a prompt");
            return;
        }
        TextExplorerRequest req = request();
        if (running != null) {
            running.cancel();
        }
        ProbeableModel model = m.model();
        String location = m.location();
        status.setText("running…");
        running = context.jobs().submit("Explore text \"" + abbreviate(req.text()) + "\"", progress -> {
            LanguageModelTokenizer t = tokenizerFor(location, model.manifest());
            return TextExplorerAnalysis.run(model, t, req, progress);
        }, this::show);
    }

    private synchronized LanguageModelTokenizer tokenizerFor(String location, ModelManifest mf) {
        if (tokenizer == null || !location.equals(tokenizerModel)) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            tokenizer = LanguageModelTokenizer.open(mf);
            tokenizerModel = location;
        }
        return tokenizer;
    }

    private void show(TextExplorerResult r) {
        result = r;
        token = r.positions() - 1;
        next.setFigure(TextExplorerFigures.nextTokens(r));
        attention.setFigure(TextExplorerFigures.attention(r));
        redrawLens();
        showChips();
        showHistogram();
        var best = r.next().get(0);
        status.setText(String.format(Locale.ROOT, "%d tokens%s; next: '%s' (%.1f %%)", r.positions(),
                r.truncated() ? " (truncated)" : "", LogitLensFigure.display(best.token()), 100 * best.probability()));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("text", r.request().text());
        params.put("attentionBlock", r.request().attentionBlock());
        params.put("point", r.request().point());
        params.put("topK", r.request().topK());
        context.session().record(ExplorerPlugin.ID, new SessionDocument.AnalysisEntry(ExplorerPlugin.ID,
                TextExplorerAnalysis.METHOD, params, Map.of("next", best.token(),
                        "probability", String.format(Locale.ROOT, "%.4f", best.probability()))), true);
    }

    private void redrawLens() {
        if (result != null) {
            lens.setFigure(TextExplorerFigures.logitLens(result, "probability".equals(lensColour.getValue())
                    ? LogitLensFigure.ColorBy.PROBABILITY : LogitLensFigure.ColorBy.KL, LENS_WIDTH));
        }
    }

    private void showChips() {
        chips.getChildren().clear();
        for (int t = 0; t < result.positions(); t++) {
            Label chip = new Label(LogitLensFigure.display(result.tokens().get(t)));
            chip.setId("explorer-text-chip-" + t);
            chip.setTooltip(new Tooltip("position " + t + ", id " + result.ids()[t]));
            int position = t;
            chip.setOnMouseClicked(e -> selectToken(position));
            chips.getChildren().add(chip);
        }
        styleChips();
    }

    /** Shows the histogram at token {@code t} (a chip click). */
    void selectToken(int t) {
        if (result == null || t < 0 || t >= result.positions()) {
            return;
        }
        token = t;
        styleChips();
        showHistogram();
    }

    private void styleChips() {
        for (int t = 0; t < chips.getChildren().size(); t++) {
            boolean selected = t == token;
            chips.getChildren().get(t).setStyle("-fx-padding: 2 7 2 7; -fx-background-radius: 9; -fx-border-radius: 9;"
                    + "-fx-font-family: monospace; -fx-cursor: hand;"
                    + (selected ? "-fx-background-color: #3b6fb6; -fx-text-fill: white; -fx-border-color: #3b6fb6;"
                            : "-fx-background-color: #eef2f8; -fx-border-color: #b8c4d8;"));
        }
    }

    private void showHistogram() {
        histogram.setFigure(TextExplorerFigures.histogram(result, token));
    }

    /** Restores a recorded text exploration. */
    void restore(SessionDocument.AnalysisEntry entry) {
        Map<String, ?> p = entry.parameters();
        String point = String.valueOf(p.get("point"));
        if (!pointBox.getItems().contains(point)) {
            throw new IllegalArgumentException("the open model has no per-token probe point '" + point + "'");
        }
        String block = "block " + p.get("attentionBlock");
        if (!blockBox.getItems().contains(block)) {
            throw new IllegalArgumentException("the open model has no " + block);
        }
        pointBox.setValue(point);
        blockBox.setValue(block);
        topK.getValueFactory().setValue(Integer.parseInt(String.valueOf(p.get("topK"))));
        explore(String.valueOf(p.get("text")));
    }

    private static String abbreviate(String s) {
        return s.length() <= 30 ? s : s.substring(0, 29) + "…";
    }
}
