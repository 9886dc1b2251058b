package org.lamina.app.cli;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.data.TextDataset;
import org.lamina.analysis.evaluate.ConfusionFigure;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.lm.NextTokenEvaluation;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code lamina evaluate MODEL --data …}: top-1 (and top-5) accuracy, per-class accuracy, the
 * confusion matrix. For up to {@link #FULL_TABLE_CLASSES} classes everything is printed; for more
 * (a 1000-class model) the terminal gets the summary and the {@code --show N} best and worst
 * classes, and {@code --out DIR} receives the full tables and the figure (issue #21, §5). Without
 * {@code --out} nothing is written, as before: evaluate stays a quick check.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Accuracy of a model on a labelled data set: top-1 and top-5 (five or more classes), per class, "
                + "and the confusion matrix.",
                "Up to " + EvaluateCommand.FULL_TABLE_CLASSES + " classes the per-class table and the confusion matrix "
                + "are printed; with more, the N best and worst classes (--show N). A class without samples has no "
                + "accuracy ('—' printed, empty in CSV).",
                "With --out DIR: DIR/per-class.csv (class, label, samples, correct, accuracy, top5_correct, "
                + "top5_accuracy), DIR/confusion.csv (rows: true class, columns: predicted), DIR/confusion.png/.svg/.pdf "
                + "(a heat map; counts in the cells up to " + ConfusionFigure.MAX_ANNOTATED + " classes) and "
                + "DIR/evaluation.json. Without --out nothing is written.",
                "A language model (kind causal-lm) is scored on text instead: next-token top-1 accuracy and perplexity "
                + "over every position of every text of --data FILE.txt (one text a line) or a CSV 'text,label' "
                + "(default: the model's own held-out text, model.json training.testData); --out DIR writes evaluation.json."})
final class EvaluateCommand implements Runnable {

    /** Most classes for which the whole per-class table and confusion matrix are printed. */
    static final int FULL_TABLE_CLASSES = 20;
    /** Largest {@code --show}. */
    static final int MAX_SHOW = 1000;

    @Parameters(paramLabel = "MODEL", description = "Model directory or sample:NAME.")
    String model;

    @Option(names = "--data",
            description = "sample:fashion-test|fashion-train|mnist-test|mnist-train, or an image folder "
                    + "(one sub-folder per class, named after the model's labels). Default: the model's own test set "
                    + "(model.json training.testData); required when it records none.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image folder: lines 'folder,label' (label = a model label or index); or ImageNet's LOC_synset_mapping.txt for WordNet-id folders.")
    Path labels;

    @Option(names = "--json", description = "Print JSON (accuracy, top5Accuracy, perClassAccuracy with null for a class "
            + "without samples, confusion).")
    boolean json;

    @Option(names = "--show", defaultValue = "10", paramLabel = "N",
            description = "With more than " + FULL_TABLE_CLASSES + " classes: how many best and worst classes to print, "
                    + "1 … " + MAX_SHOW + ". Default ${DEFAULT-VALUE}.")
    int show;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write per-class.csv, confusion.csv, confusion.png/.svg/.pdf and evaluation.json here "
                    + "(created if needed). Default: write nothing.")
    Path out;

    @Option(names = "--dpi", defaultValue = "150", description = "PNG resolution of the confusion figure, 72 … 1200. "
            + "Default ${DEFAULT-VALUE}.")
    int dpi;

    @Mixin
    DeviceOption device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (show < 1 || show > MAX_SHOW) {
            throw new IllegalArgumentException("--show must be 1 … " + MAX_SHOW + " (classes listed as best and as worst), got "
                    + show);
        }
        RunOutput.checkDpi(dpi);
        try (ProbeableModel m = ModelLoader.open(model, device.choice());
             OutputFolder folder = out == null ? null : RunOutput.open(out, spec)) {
            if (m.manifest().isCausalLm()) {
                evaluateText(m, folder);
                return;
            }
            String ref = ModelDataSets.testOr(data, m.manifest(), "--data");
            Dataset d = SampleData.open(ref, m.manifest().input(), m.manifest().labels(), labels);
            Evaluation e = Evaluation.run(m, d, done -> { });
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", e.model());
            summary.put("sha256", m.weightsSha256());
            summary.put("data", e.data());
            summary.put("labelMapping", d.labelMapping());
            summary.put("samples", e.samples());
            summary.put("accuracy", e.accuracy());
            summary.put("top5Accuracy", e.top5Accuracy().isPresent() ? e.top5Accuracy().getAsDouble() : null);
            summary.put("recordedAccuracy", m.manifest().recordedTestAccuracy().orElse(null));
            summary.put("labels", e.labels());
            List<Double> perClass = new ArrayList<>();
            for (Evaluation.ClassResult r : e.perClass()) {
                // JSON has no NaN: a class without samples has no accuracy (null).
                perClass.add(r.accuracy().isPresent() ? r.accuracy().getAsDouble() : null);
            }
            summary.put("perClassAccuracy", perClass);
            summary.put("confusion", e.confusion());
            summary.put("device", m.device().toString());
            if (folder != null) {
                write(e, summary, folder.directory());
                folder.commit(RunOutput.describe(spec));
            }
            if (json) {
                System.out.println(Json.write(summary));
                return;
            }
            print(System.out, e, d.labelMapping(), m.manifest().recordedTestAccuracy());
        }
    }

    /**
     * A language model: next-token top-1 accuracy and perplexity on a text file ({@code .txt} one
     * text a line, or CSV {@code text,label}); the model's own held-out text when its manifest's
     * {@code training.testData} names one (issue #19).
     */
    private void evaluateText(ProbeableModel m, OutputFolder folder) {
        if (labels != null) {
            throw new IllegalArgumentException("--labels maps image folders to classes; a language model is evaluated on "
                    + "text (--data FILE.txt or .csv)");
        }
        String ref = data != null ? data : ModelDataSets.test(m.manifest())
                .orElseThrow(() -> new IllegalArgumentException("model '" + m.manifest().name() + "' is a language model "
                        + "and records no held-out text (model.json training.testData); give --data FILE.txt (one text a "
                        + "line) or a CSV 'text,label'"));
        TextDataset texts = TextDataset.read(Path.of(ref));
        NextTokenEvaluation e;
        try (LanguageModelTokenizer t = LanguageModelTokenizer.open(m.manifest())) {
            e = NextTokenEvaluation.run(m, t, texts.texts(),
                    LanguageModelTokenizer.Truncation.KEEP_START,
                    NextTokenEvaluation.DEFAULT_BUDGET_BYTES, ProgressSink.none());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", m.manifest().name());
        summary.put("sha256", m.weightsSha256());
        summary.put("data", texts.file().toString());
        summary.put("dataIdentity", texts.identity());
        summary.put("kind", "causal-lm next-token");
        summary.put("texts", e.texts());
        summary.put("predictions", e.predictions());
        summary.put("correct", e.correct());
        summary.put("accuracy", e.accuracy());
        summary.put("meanNllNats", e.meanNll());
        summary.put("perplexity", e.perplexity());
        summary.put("truncatedTexts", e.truncated());
        summary.put("recordedAccuracy", m.manifest().recordedTestAccuracy().orElse(null));
        summary.put("device", m.device().toString());
        if (folder != null) {
            try {
                Files.writeString(folder.directory().resolve("evaluation.json"), Json.write(summary), StandardCharsets.UTF_8);
            } catch (IOException ex) {
                throw OutputException.cannotWrite(out, ex);
            }
            folder.commit(RunOutput.describe(spec));
        }
        if (json) {
            System.out.println(Json.write(summary));
            return;
        }
        System.out.printf(Locale.ROOT, "%s on %s (%d texts, %d next-token predictions): top-1 accuracy %.2f%%, "
                + "perplexity %.3f (mean NLL %.4f nats)%n", m.manifest().name(), texts.file(), e.texts(), e.predictions(),
                100 * e.accuracy(), e.perplexity(), e.meanNll());
        if (e.truncated() > 0) {
            System.out.printf("  %d texts were longer than the model's maximum length: their first tokens were scored%n",
                    e.truncated());
        }
        m.manifest().recordedTestAccuracy().ifPresent(a -> System.out.printf(Locale.ROOT,
                "  recorded at training: %.2f%%%n", 100 * a));
        if (out != null) {
            System.out.printf("  wrote %s: evaluation.json%n", out);
        }
    }

    private void write(Evaluation e, Map<String, Object> summary, Path dir) {
        try {
            try (Writer w = Files.newBufferedWriter(dir.resolve("per-class.csv"), StandardCharsets.UTF_8)) {
                e.perClassTable().writeCsv(w);
            }
            Files.writeString(dir.resolve("evaluation.json"), Json.write(summary), StandardCharsets.UTF_8);
            // The figure's numbers are the confusion table: its CSV export is confusion.csv.
            new FigureExporter(new ExportSettings(ExportSettings.DOUBLE_COLUMN_CM, dpi)).exportAll(new ConfusionFigure(e), dir,
                    "confusion", EnumSet.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV));
        } catch (IOException ex) {
            throw OutputException.cannotWrite(out, ex);
        }
    }

    private void print(PrintStream o, Evaluation e, String labelMapping, java.util.Optional<Double> recorded) {
        o.printf(Locale.ROOT, "%s on %s (%d samples): accuracy %.2f%%%n", e.model(), e.data(), e.samples(), 100 * e.accuracy());
        e.top5Accuracy().ifPresent(a -> o.printf(Locale.ROOT, "  top-5 accuracy: %.2f%%%n", 100 * a));
        o.printf("  labels: %s%n", labelMapping);
        recorded.ifPresent(a -> o.printf(Locale.ROOT, "  recorded at training: %.2f%%%n", 100 * a));
        int classes = e.labels().size();
        if (classes <= FULL_TABLE_CLASSES) {
            for (Evaluation.ClassResult r : e.perClass()) {
                o.printf(Locale.ROOT, "  %-14s %7s%n", r.label(), percent(r.accuracy()));
            }
            o.println("  confusion (rows: true class, columns: predicted):");
            for (int[] row : e.confusion()) {
                StringBuilder sb = new StringBuilder("   ");
                for (int v : row) {
                    sb.append(String.format(" %4d", v));
                }
                o.println(sb);
            }
        } else {
            int with = e.classesWithSamples();
            o.printf(Locale.ROOT, "  %d classes, %d with samples%s%n", classes, with,
                    with < classes ? " (" + (classes - with) + " without: no accuracy, '—')" : "");
            table(o, "best " + Math.min(show, with) + " classes (top-1 accuracy, highest first)", e.best(show), e.hasTop5());
            table(o, "worst " + Math.min(show, with) + " classes (lowest first)", e.worst(show), e.hasTop5());
        }
        if (out != null) {
            o.printf("  wrote %s: per-class.csv, confusion.csv, confusion.png/.svg/.pdf, evaluation.json%n", out);
        } else if (classes > FULL_TABLE_CLASSES) {
            o.println("  (--out DIR writes the full per-class table, the confusion matrix and its figure)");
        }
    }

    private static void table(PrintStream o, String title, List<Evaluation.ClassResult> rows, boolean top5) {
        o.println("  " + title + ":");
        o.printf(Locale.ROOT, "    %6s  %-28s %8s %8s%s%n", "class", "label", "samples", "top-1", top5 ? "    top-5" : "");
        for (Evaluation.ClassResult r : rows) {
            String label = r.label().length() > 28 ? r.label().substring(0, 27) + "…" : r.label();
            o.printf(Locale.ROOT, "    %6d  %-28s %8d %8s%s%n", r.index(), label, r.samples(), percent(r.accuracy()),
                    top5 ? String.format(Locale.ROOT, " %8s", percent(r.top5Accuracy())) : "");
        }
    }

    /** A percentage, or "—" for a class without samples (never "NaN%"). */
    static String percent(OptionalDouble fraction) {
        return fraction.isPresent() ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction.getAsDouble()) : "—";
    }
}
