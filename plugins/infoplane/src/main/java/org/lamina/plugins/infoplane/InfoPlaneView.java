package org.lamina.plugins.infoplane;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.infoplane.CountBinning;
import org.lamina.analysis.infoplane.InfoPlaneData;
import org.lamina.analysis.infoplane.InfoPlaneExperiment;
import org.lamina.analysis.infoplane.InfoPlaneFigures;
import org.lamina.analysis.infoplane.InfoPlaneMonitor;
import org.lamina.analysis.infoplane.InfoPlaneParameters;
import org.lamina.analysis.infoplane.InfoPlaneReplay;
import org.lamina.analysis.infoplane.InfoPlaneResult;
import org.lamina.analysis.infoplane.LoggedEpoch;
import org.lamina.analysis.infoplane.LoggingSchedule;
import org.lamina.analysis.infoplane.SplitMode;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.model.djl.Mlp;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.FormControls;
import org.lamina.plugins.api.JobErrors;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.lamina.plugins.api.FormControls.addRow;
import static org.lamina.plugins.api.FormControls.field;
import static org.lamina.plugins.api.FormControls.figureView;
import static org.lamina.plugins.api.FormControls.lowerCase;
import static org.lamina.plugins.api.FormControls.parseDouble;
import static org.lamina.plugins.api.FormControls.parseInt;
import static org.lamina.plugins.api.FormControls.parseLong;

/**
 * The information-plane panel: the parameters form on the left, the information plane (live),
 * the MI-vs-epoch small multiples and the gradient SNR in the centre. Training runs as a job;
 * logged epochs are collected on the training thread and drawn on the JavaFX thread at most
 * every {@value #REDRAW_MS} ms.
 */
final class InfoPlaneView implements PluginView {

    /** System property under which the panel starts its demo run (a short tanh run) on creation. */
    static final String DEMO_PROPERTY = "lamina.screenshots";
    /** Epochs of the demo run. */
    static final int DEMO_EPOCHS = 300;
    /** Shortest interval between live redraws. */
    static final long REDRAW_MS = 300;

    private final WorkbenchContext context;
    private final BorderPane root = new BorderPane();
    private final TextField widths = field("12,10,7,5,4,3,2", "infoplane-widths");
    private final ComboBox<Mlp.Kind> activation = new ComboBox<>();
    private final TextField epochs = field("3000", "infoplane-epochs");
    private final TextField trainFraction = field("0.8", "infoplane-train-fraction");
    private final ComboBox<SplitMode> split = new ComboBox<>();
    private final ComboBox<String> estimator = new ComboBox<>();
    private final TextField bins = field("30", "infoplane-bins");
    private final ComboBox<CountBinning> binning = new ComboBox<>();
    private final TextField binSize = field("0.07", "infoplane-binsize");
    private final TextField noiseVariance = field("1e-3", "infoplane-noise-var");
    private final TextField repeats = field("1", "infoplane-repeats");
    private final TextField seed = field("42", "infoplane-seed");
    private final ComboBox<String> data = new ComboBox<>();
    private final TextField trainImages = field("2000", "infoplane-train-images");
    private final TextField testImages = field("1000", "infoplane-test-images");
    private final ComboBox<String> miOn = new ComboBox<>();
    private final CheckBox overlay = new CheckBox("Overlay the previous run");
    private final Label validation = new Label();
    private final Label status = new Label("Not run yet.");
    private final Button start = new Button("Start");
    private final FigureView plane;
    private final FigureView miEpochs;
    private final FigureView snr;
    private final FigureView training;

    private JobHandle<InfoPlaneResult> running;
    private InfoPlaneResult result;
    private InfoPlaneResult previous;
    private InfoPlaneParameters runningParameters;
    private final List<LoggedEpoch> live = new ArrayList<>();
    private final AtomicBoolean redrawPending = new AtomicBoolean();
    private volatile long lastRedraw;
    private double entropyY = Double.NaN;

    InfoPlaneView(WorkbenchContext context) {
        this.context = context;
        plane = figureView(context.export(), "infoplane-plane");
        miEpochs = figureView(context.export(), "infoplane-mi-epochs");
        snr = figureView(context.export(), "infoplane-snr");
        training = figureView(context.export(), "infoplane-training");

        activation.getItems().setAll(Mlp.Kind.values());
        activation.setValue(Mlp.Kind.TANH);
        activation.setId("infoplane-activation");
        activation.setConverter(lowerCase(Mlp.Kind.class));
        split.setConverter(lowerCase(SplitMode.class));
        split.getItems().setAll(SplitMode.values());
        split.setValue(SplitMode.SHUFFLED);
        split.setId("infoplane-split");
        estimator.getItems().setAll("binning", "binsize", "kde", "ksg");
        estimator.setValue("binning");
        estimator.setId("infoplane-estimator");
        binning.getItems().setAll(CountBinning.values());
        binning.setValue(CountBinning.IDNN);
        binning.setId("infoplane-binning");
        binning.setConverter(lowerCase(CountBinning.class));
        binning.setTooltip(new javafx.scene.control.Tooltip("Binning by count outside [−1, 1): idnn = as the reference "
                + "code, values ≥ 1 get one extra symbol (values < −1 wrap onto it); clamp = the end cells"));
        data.getItems().setAll("ib", "sample:fashion", "sample:mnist");
        data.setValue("ib");
        data.setId("infoplane-data");
        data.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String s) {
                return s == null ? "" : switch (s) {
                    case "ib" -> "12-bit set";
                    case "sample:fashion" -> "Fashion-MNIST (Saxe MLP)";
                    case "sample:mnist" -> "MNIST (Saxe MLP)";
                    default -> s;
                };
            }

            @Override
            public String fromString(String s) {
                return s;
            }
        });
        miOn.getItems().setAll("all", "train", "test");
        miOn.setValue("all");
        miOn.setId("infoplane-mi-on");
        data.valueProperty().addListener((o, was, now) -> useDataDefaults(now));
        overlay.setId("infoplane-overlay");
        validation.setId("infoplane-validation");
        status.setId("infoplane-status");
        start.setId("infoplane-start");

        GridPane form = FormControls.form();
        int row = 0;
        row = addRow(form, row, "Data", data);
        row = addRow(form, row, "Train images", trainImages);
        row = addRow(form, row, "Test images", testImages);
        row = addRow(form, row, "MI on", miOn);
        row = addRow(form, row, "Widths", widths);
        row = addRow(form, row, "Activation", activation);
        row = addRow(form, row, "Epochs", epochs);
        row = addRow(form, row, "Train fraction", trainFraction);
        row = addRow(form, row, "Split", split);
        row = addRow(form, row, "Estimator", estimator);
        row = addRow(form, row, "Bins (edges)", bins);
        row = addRow(form, row, "Outside [−1, 1)", binning);
        row = addRow(form, row, "Bin size", binSize);
        row = addRow(form, row, "Noise σ²", noiseVariance);
        row = addRow(form, row, "Repeats", repeats);
        addRow(form, row, "Seed", seed);

        FormControls.messageLabels(validation, status, 230);
        start.setMaxWidth(Double.MAX_VALUE);
        start.setDefaultButton(false);
        start.setOnAction(e -> {
            if (running != null) {
                stop();
            } else {
                start();
            }
        });
        overlay.setOnAction(e -> showResult());
        Label heading = new Label("Information plane");
        heading.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label about = new Label("12-bit task (Shwartz-Ziv & Tishby 2017) or Saxe et al. (2018)'s MLP on "
                + "bundled images. Right-click a figure to export it.");
        about.setWrapText(true);
        about.setMaxWidth(230);
        about.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");
        VBox left = new VBox(8, heading, about, form, validation, start, overlay, status);
        left.setPadding(new Insets(8));
        left.setPrefWidth(250);
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(260);

        javafx.scene.control.TabPane rightTabs = new javafx.scene.control.TabPane(
                new javafx.scene.control.Tab("Gradient SNR", snr), new javafx.scene.control.Tab("Loss & accuracy", training));
        rightTabs.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        rightTabs.setId("infoplane-right-tabs");
        SplitPane bottom = new SplitPane(miEpochs, rightTabs);
        bottom.setDividerPositions(0.5);
        SplitPane centre = new SplitPane(plane, bottom);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.5);
        root.setLeft(leftScroll);
        root.setCenter(centre);
        BorderPane.setMargin(centre, new Insets(6));

        useDataDefaults("ib");
        for (Node n : List.of(widths, epochs, trainFraction, bins, binSize, noiseVariance, repeats, seed, trainImages,
                testImages)) {
            ((TextField) n).textProperty().addListener((o, a, b) -> validate());
        }
        activation.valueProperty().addListener((o, a, b) -> {
            // follow the CLI: an unbounded activation defaults to binning by size, unless the user chose an estimator
            InfoPlaneData.DataChoice choice = "ib".equals(data.getValue()) ? InfoPlaneData.DataChoice.IB : null;
            if (a != null && b != null && choice != null
                    && InfoPlaneParameters.defaultEstimator(a, choice).equals(estimator.getValue())) {
                estimator.setValue(InfoPlaneParameters.defaultEstimator(b, choice));
            }
            validate();
        });
        binning.valueProperty().addListener((o, a, b) -> validate());
        split.valueProperty().addListener((o, a, b) -> validate());
        estimator.valueProperty().addListener((o, a, b) -> validate());
        miOn.valueProperty().addListener((o, a, b) -> validate());
        validate();

        if (Boolean.getBoolean(DEMO_PROPERTY)) {
            epochs.setText(Integer.toString(DEMO_EPOCHS));
            start();
        }
    }

    /**
     * Puts the form to the defaults of a data choice: the paper's 12-bit setup, or Saxe et al.'s
     * image setup (ReLU 784-1024-20-20-20-10, KDE σ² = 0.1, 200 epochs, MI on the test images).
     * Image-only fields are disabled for the 12-bit set and the split fields for images.
     */
    private void useDataDefaults(String source) {
        boolean images = !"ib".equals(source);
        InfoPlaneParameters d = images ? InfoPlaneParameters.imageDefaults(source) : InfoPlaneParameters.defaults();
        widths.setText(java.util.Arrays.stream(d.widths()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(",")));
        activation.setValue(d.activation());
        epochs.setText(Integer.toString(d.epochs()));
        estimator.setValue(d.estimator());
        noiseVariance.setText(images ? "0.1" : "1e-3");
        miOn.setValue(d.data().miOn());
        for (Node n : List.of(trainImages, testImages, miOn)) {
            n.setDisable(!images);
        }
        trainFraction.setDisable(images);
        split.setDisable(images);
    }


    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        return FigureView.shown(plane, miEpochs, snr, training);
    }

    /**
     * Restores a run recorded in a session: fills the form with its parameters and starts it
     * again (the seeds make it the same run). Learning rate and batch size follow the data, as the
     * form does.
     */
    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!InfoPlaneReplay.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the information-plane panel cannot restore '" + entry.method() + "'");
        }
        InfoPlaneParameters p = InfoPlaneParameters.fromMap(entry.parameters());
        if (running != null) {
            running.cancel();
        }
        data.setValue(p.data().source());
        trainImages.setText(Integer.toString(Math.max(1, p.data().trainImages())));
        testImages.setText(Integer.toString(p.data().testImages()));
        miOn.setValue(p.data().miOn());
        widths.setText(java.util.Arrays.stream(p.widths()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(",")));
        activation.setValue(p.activation());
        epochs.setText(Integer.toString(p.epochs()));
        trainFraction.setText(Double.toString(p.trainFraction()));
        split.setValue(p.split());
        estimator.setValue(p.estimator());
        bins.setText(Integer.toString(p.bins()));
        binning.setValue(p.binning());
        binSize.setText(Double.toString(p.binSize()));
        noiseVariance.setText(Double.toString(p.noiseVariance()));
        repeats.setText(Integer.toString(p.repeats()));
        seed.setText(Long.toString(p.seed()));
        running = null;
        start();
    }

    @Override
    public void dispose() {
        if (running != null) {
            running.cancel();
        }
    }

    /** The parameters in the form; throws {@link IllegalArgumentException} with a message for people. */
    InfoPlaneParameters parameters() {
        String[] parts = widths.getText().trim().split("[,\\s-]+");
        int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            w[i] = parseInt("widths", parts[i]);
        }
        boolean images = !"ib".equals(data.getValue());
        return new InfoPlaneParameters(w, activation.getValue(), parseInt("epochs", epochs.getText()),
                images ? 1.0 : parseDouble("train fraction", trainFraction.getText()),
                images ? SplitMode.CONTIGUOUS : split.getValue(), estimator.getValue(),
                parseInt("bins", bins.getText()), binning.getValue(), parseDouble("bin size", binSize.getText()),
                parseDouble("noise variance", noiseVariance.getText()), parseInt("repeats", repeats.getText()),
                parseLong("seed", seed.getText()), images ? 1e-3 : 4e-4, images ? 128 : 256, LoggingSchedule.SAXE, dataChoice());
    }

    private InfoPlaneData.DataChoice dataChoice() {
        String source = data.getValue();
        if ("ib".equals(source)) {
            return InfoPlaneData.DataChoice.IB;
        }
        return new InfoPlaneData.DataChoice(source, parseInt("train images", trainImages.getText()),
                parseInt("test images", testImages.getText()), miOn.getValue());
    }

    /** Checks the form; shows the message and disables Start (unless a run is going) when invalid. */
    private boolean validate() {
        return FormControls.validate(validation, start, running != null, () -> parameters());
    }

    /** Starts a run with the form's parameters (no-op while one runs or the form is invalid). */
    void start() {
        if (running != null || !validate()) {
            return;
        }
        InfoPlaneParameters p = parameters();
        if (result != null) {
            previous = result;
        }
        result = null;
        runningParameters = p;
        synchronized (live) {
            live.clear();
        }
        start.setText("Stop");
        status.setText("Training " + p.epochs() + " epochs…");
        JobHandle<InfoPlaneResult>[] handle = new JobHandle[1];
        handle[0] = context.jobs().submit("Information plane: " + p.activation().name().toLowerCase(Locale.ROOT) + ", "
                + p.epochs() + " epochs", progress -> {
                    progress.message("loading " + p.data().describe());
                    entropyY = LiveResults.entropyY(InfoPlaneData.load(p).miLabels());
                    progress.begin((long) p.repeats() * p.epochs());
                    return InfoPlaneExperiment.run(p, new InfoPlaneMonitor() {
                        @Override
                        public void progress(long done, long total, String message) {
                            progress.advance(1);
                        }

                        @Override
                        public void logged(int repeat, LoggedEpoch point) {
                            if (repeat == 0) {
                                synchronized (live) {
                                    live.add(point);
                                }
                                progress.message("epoch " + point.epoch() + " of " + p.epochs());
                                scheduleRedraw(handle[0]);
                            }
                        }

                        @Override
                        public boolean cancelled() {
                            return progress.isCancelled();
                        }
                    });
                }, r -> {
                    result = r;
                    showResult();
                    status.setText(String.format(Locale.ROOT, "Finished %d epochs in %.1f s. Final last-layer "
                            + "I(X;T) = %.2f bits, I(T;Y) = %.3f bits.", r.parameters().epochs(), r.trainingSeconds(),
                            r.ixt()[r.last()][r.layers().size() - 1], r.ity()[r.last()][r.layers().size() - 1]));
                    context.log("information plane: " + InfoPlaneFigures.describe(r));
                    context.session().record(InfoPlanePlugin.ID, new SessionDocument.AnalysisEntry(InfoPlanePlugin.ID,
                            InfoPlaneReplay.METHOD, r.parameters().toMap(), java.util.Map.of(
                                    "lastLayerIxt", String.format(Locale.ROOT, "%.4f", r.ixt()[r.last()][r.layers().size() - 1]),
                                    "lastLayerIty", String.format(Locale.ROOT, "%.4f", r.ity()[r.last()][r.layers().size() - 1]),
                                    "seconds", String.format(Locale.ROOT, "%.1f", r.trainingSeconds()))), false);
                });
        running = handle[0];
        running.result().whenComplete((r, error) -> Platform.runLater(() -> {
            if (running != handle[0]) {
                return;
            }
            running = null;
            start.setText("Start");
            validate();
            if (error != null) {
                Throwable cause = JobErrors.cause(error);
                boolean cancelled = JobErrors.cancelled(error);
                int logged;
                synchronized (live) {
                    logged = live.size();
                }
                status.setText(cancelled ? "Stopped after " + logged + " logged epochs."
                        : "Failed: " + cause.getMessage());
                if (result == null && previous != null) {
                    result = previous;
                }
            }
        }));
    }

    /** Asks the running job to stop. */
    void stop() {
        if (running != null) {
            running.cancel();
            status.setText("Stopping…");
        }
    }

    /** Redraws from the live points on the JavaFX thread, at most every {@link #REDRAW_MS} ms. */
    private void scheduleRedraw(JobHandle<InfoPlaneResult> handle) {
        if (System.currentTimeMillis() - lastRedraw < REDRAW_MS || !redrawPending.compareAndSet(false, true)) {
            return;
        }
        Platform.runLater(() -> {
            redrawPending.set(false);
            lastRedraw = System.currentTimeMillis();
            if (running != handle || result != null) {
                return;
            }
            List<LoggedEpoch> points;
            synchronized (live) {
                points = List.copyOf(live);
            }
            if (!points.isEmpty()) {
                show(LiveResults.partial(runningParameters, points, entropyY));
            }
        });
    }

    /** Shows the finished result (with the previous one when overlaying). */
    private void showResult() {
        if (result != null) {
            show(result);
        }
    }

    private void show(InfoPlaneResult r) {
        JFreeChart planeChart = overlay.isSelected() && previous != null && previous != r
                ? InfoPlaneFigures.informationPlane(List.of(previous, r),
                        List.of("previous: " + InfoPlaneFigures.describe(previous), "current: " + InfoPlaneFigures.describe(r)))
                : InfoPlaneFigures.informationPlane(r);
        plane.setFigure(new ChartFigure("infoplane", "Information plane", planeChart, 0.75, InfoPlaneFigures.planeData(r)));
        if (r.epochs().length > 1) {
            miEpochs.setFigure(new ChartFigure("mi-epochs", "Mutual information per layer",
                    shortSubtitle(InfoPlaneFigures.informationVersusEpoch(r), r), 0.86, InfoPlaneFigures.planeData(r)));
            snr.setFigure(new ChartFigure("snr", "Gradient signal-to-noise per layer",
                    compactAxes(shortSubtitle(InfoPlaneFigures.snr(r), r)), 1.0, InfoPlaneFigures.snrData(r)));
            training.setFigure(new ChartFigure("training", "Training loss and accuracy",
                    shortSubtitle(org.lamina.analysis.infoplane.TrainingFigure.chart(r, ""), r), 0.75, InfoPlaneFigures.trainingData(r)));
        }
    }

    /**
     * The SNR figure's three stacked panels are short in the panel: their rotated axis labels
     * get short texts in a smaller font so that they do not run into each other.
     */
    private static JFreeChart compactAxes(JFreeChart chart) {
        if (chart.getPlot() instanceof org.jfree.chart.plot.CombinedDomainXYPlot combined) {
            String[] labels = {"‖g‖: mean —, std - -", "SNR", "‖W‖_F"};
            java.awt.Font font = new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 10);
            List<XYPlot> plots = combined.getSubplots();
            for (int i = 0; i < plots.size() && i < labels.length; i++) {
                plots.get(i).getRangeAxis().setLabel(labels[i]);
                plots.get(i).getRangeAxis().setLabelFont(font);
            }
        }
        return chart;
    }

    /**
     * The small figures share the panel's height: their subtitle becomes one short line
     * (activation, widths, estimator, epochs) instead of the plane's full description.
     */
    private static JFreeChart shortSubtitle(JFreeChart chart, InfoPlaneResult r) {
        InfoPlaneParameters p = r.parameters();
        StringBuilder w = new StringBuilder();
        for (int width : p.widths()) {
            w.append(w.length() == 0 ? "" : "-").append(width);
        }
        String est = switch (p.estimator()) {
            case "binning" -> "binning " + p.bins();
            case "binsize" -> "bin size " + p.binSize();
            default -> p.estimator() + " σ² " + p.noiseVariance();
        };
        String text = p.activation().name().toLowerCase(Locale.ROOT) + " " + w + ", " + est + ", "
                + p.epochs() + " epochs" + (r.seeds().length > 1 ? ", mean of " + r.seeds().length : "");
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof org.jfree.chart.title.TextTitle t) {
                t.setText(text);
            }
        }
        return chart;
    }

    /** The finished result shown, or {@code null}. */
    InfoPlaneResult result() {
        return result;
    }

    /** Whether a run is going. */
    boolean isRunning() {
        return running != null;
    }

    /** Number of epochs the current (or last) run has logged so far. */
    int loggedEpochs() {
        synchronized (live) {
            return live.size();
        }
    }

    /** The plane figure's view. */
    FigureView planeView() {
        return plane;
    }
}
