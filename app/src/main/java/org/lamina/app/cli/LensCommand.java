package org.lamina.app.cli;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.logitlens.LogitLens;
import org.lamina.analysis.logitlens.LogitLensFigure;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lamina lens LM --text "..."}: the logit lens ({@link LogitLens}, nostalgebraist 2020) of
 * one prompt, printed as a layers × tokens grid and, with {@code --out}, written as
 * {@code logit-lens.png/.svg/.pdf/.csv} + {@code logit-lens.json} through an {@link OutputFolder}.
 */
@Command(name = "lens", mixinStandardHelpOptions = true,
        description = {"Logit lens of a language model (kind causal-lm): the residual stream after every layer decoded "
                + "through the model's final norm and unembedding, per token of --text.",
                "Each cell: the most probable next token, its probability, and KL(final || layer) in nats."})
final class LensCommand implements Runnable {

    /** What the cells' colour shows. */
    enum Colour { probability, kl }

    @Parameters(index = "0", paramLabel = "MODEL", description = "Language model directory or sample:NAME.")
    String model;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The prompt.")
    String text;

    @Option(names = "--color", defaultValue = "probability", paramLabel = "probability|kl",
            description = "Cell colour: the top token's probability or KL(final || layer) in nats (default ${DEFAULT-VALUE}).")
    Colour color;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the figure (PNG/SVG/PDF), its CSV and "
            + "logit-lens.json into DIR (created if needed).")
    Path out;

    @Option(names = "--dpi", defaultValue = "300", description = "PNG resolution (default ${DEFAULT-VALUE}).")
    int dpi;

    @Option(names = "--truncate", description = "Cut a text longer than the model's maxLength to its first maxLength "
            + "tokens (with a warning) instead of refusing it.")
    boolean truncate;

    @Option(names = "--json", description = "Print the grid as JSON instead of a table.")
    boolean json;

    @Mixin
    DeviceOption device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // Everything that can be checked without the model is checked first.
        if (text.isBlank()) {
            throw new IllegalArgumentException("--text is empty: give a prompt");
        }
        RunOutput.checkDpi(dpi);
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            ModelManifest mf = m.manifest();
            if (!mf.isCausalLm()) {
                throw new ModelException("lens needs a language model (model.json \"kind\": \"causal-lm\"); model '"
                        + mf.name() + "' is an image model");
            }
            try (OutputFolder folder = out == null ? null : RunOutput.open(out, spec);
                 LanguageModelTokenizer tokenizer = LanguageModelTokenizer.open(mf)) {
                LogitLens.Result r = LogitLens.compute(m, tokenizer, text,
                        truncate ? LanguageModelTokenizer.Truncation.KEEP_START : LanguageModelTokenizer.Truncation.REFUSE);
                if (r.truncated()) {
                    System.err.printf("warning: the text was cut to its first %d tokens (input.maxLength)%n", r.positions());
                }
                Map<String, Object> doc = document(m, r);
                if (folder != null) {
                    write(folder, r, doc);
                    folder.commit(RunOutput.describe(spec));
                }
                if (json) {
                    System.out.println(Json.write(doc));
                } else {
                    System.out.print(LogitLens.format(r));
                    System.out.println("(cell: top next token and its probability; the last row is the model's output)");
                }
                if (out != null && !json) {
                    System.out.println("wrote " + out.resolve("logit-lens.png") + " (.svg, .pdf, .csv) and logit-lens.json");
                }
            }
        }
    }

    private Map<String, Object> document(ProbeableModel m, LogitLens.Result r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", m.manifest().name());
        doc.put("sha256", m.weightsSha256());
        doc.put("device", m.device().toString());
        doc.put("engine", ModelRuntime.versions());
        doc.put("method", "logit lens (nostalgebraist 2020): run_from(last block, stream after each layer) = "
                + "final norm + unembedding; KL(final || layer) in nats");
        doc.put("text", r.text());
        doc.put("ids", r.ids());
        doc.put("tokens", r.tokens());
        doc.put("truncated", r.truncated());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int l = 0; l < r.layerCount(); l++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", r.layers().get(l));
            row.put("topIds", r.topId()[l]);
            row.put("topTokens", r.topToken()[l]);
            row.put("topProbabilities", r.topProbability()[l]);
            row.put("klNats", r.klNats()[l]);
            layers.add(row);
        }
        doc.put("layers", layers);
        return doc;
    }

    private void write(OutputFolder folder, LogitLens.Result r, Map<String, Object> doc) {
        Path dir = folder.directory();
        // About 2.3 cm per token (room for a word per cell), from one journal column up to two.
        double widthCm = Math.max(ExportSettings.SINGLE_COLUMN_CM,
                Math.min(ExportSettings.DOUBLE_COLUMN_CM, 3.5 + 2.3 * r.positions()));
        FigureExporter exporter = new FigureExporter(new ExportSettings(widthCm, dpi));
        LogitLensFigure figure = new LogitLensFigure(r, color == Colour.kl ? LogitLensFigure.ColorBy.KL
                : LogitLensFigure.ColorBy.PROBABILITY, exporter.settings().widthPoints());
        exporter.exportAll(figure, dir, "logit-lens", List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV));
        try {
            Files.writeString(dir.resolve("logit-lens.json"), Json.write(doc), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw OutputException.cannotWrite(out, e);
        }
    }
}
