package org.lamina.app.cli;

import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.lm.LanguageModelTokenizer;
import org.lamina.analysis.lm.NextTokenPrediction;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lamina predict LM --text ...}: the next-token distribution after the last real token of
 * each prompt, as a table of token, id and probability (or JSON), and with {@code --out} as
 * {@code predictions.json} + {@code predictions.csv} through an {@link OutputFolder}.
 */
final class LanguagePrediction {

    private final ProbeableModel model;
    private final List<String> texts;
    private final int top;
    private final boolean truncate;
    private final boolean json;
    private final Path out;
    private final CommandLine.Model.CommandSpec spec;

    LanguagePrediction(ProbeableModel model, List<String> texts, int top, boolean truncate, boolean json, Path out,
                       CommandLine.Model.CommandSpec spec) {
        this.model = model;
        this.texts = texts;
        this.top = top;
        this.truncate = truncate;
        this.json = json;
        this.out = out;
        this.spec = spec;
    }

    void run() {
        // Open the output first: an unwritable --out is refused before anything is computed.
        try (OutputFolder folder = out == null ? null : RunOutput.open(out, spec);
             LanguageModelTokenizer tokenizer = LanguageModelTokenizer.open(model.manifest())) {
            List<NextTokenPrediction> predictions = NextTokenPrediction.run(model, tokenizer, texts,
                    truncate ? LanguageModelTokenizer.Truncation.KEEP_START : LanguageModelTokenizer.Truncation.REFUSE);
            List<Map<String, Object>> results = new ArrayList<>();
            for (NextTokenPrediction p : predictions) {
                if (p.truncated()) {
                    System.err.printf("warning: \"%s\" was cut to its first %d tokens (input.maxLength)%n",
                            abbreviate(p.text()), p.ids().length);
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("text", p.text());
                r.put("ids", p.ids());
                r.put("tokens", tokenizer.tokens(p.ids()));
                r.put("truncated", p.truncated());
                List<Map<String, Object>> candidates = new ArrayList<>();
                for (NextTokenPrediction.Candidate c : p.top(top, tokenizer)) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("rank", c.rank());
                    cm.put("token", c.token());
                    cm.put("id", c.id());
                    cm.put("probability", c.probability());
                    cm.put("logit", c.logit());
                    candidates.add(cm);
                }
                r.put("next", candidates);
                results.add(r);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.manifest().name());
            doc.put("sha256", model.weightsSha256());
            doc.put("device", model.device().toString());
            doc.put("engine", ModelRuntime.versions());
            doc.put("readout", "logits at the last real token of each prompt, softmax over the vocabulary");
            doc.put("results", results);
            if (folder != null) {
                write(folder, doc, predictions, tokenizer);
                folder.commit(RunOutput.describe(spec));
            }
            if (json) {
                System.out.println(Json.write(doc));
                return;
            }
            for (Map<String, Object> r : results) {
                System.out.println(r.get("text") + "   " + r.get("tokens"));
                System.out.printf("  %4s  %-20s %7s  %11s%n", "RANK", "TOKEN", "ID", "PROBABILITY");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> next = (List<Map<String, Object>>) r.get("next");
                for (Map<String, Object> c : next) {
                    System.out.printf("  %4d  %-20s %7d  %10.4f%%%n", c.get("rank"), quote((String) c.get("token")),
                            c.get("id"), 100 * ((Number) c.get("probability")).doubleValue());
                }
            }
            if (out != null) {
                System.out.println("wrote " + out.resolve("predictions.json") + " and predictions.csv");
            }
        }
    }

    private void write(OutputFolder folder, Map<String, Object> doc, List<NextTokenPrediction> predictions,
                       LanguageModelTokenizer tokenizer) {
        Path dir = folder.directory();
        StringBuilder csv = new StringBuilder("text,rank,token,id,probability,logit\n");
        for (NextTokenPrediction p : predictions) {
            for (NextTokenPrediction.Candidate c : p.top(top, tokenizer)) {
                csv.append(csvField(p.text())).append(',').append(c.rank()).append(',').append(csvField(c.token()))
                        .append(',').append(c.id()).append(',').append(c.probability()).append(',').append(c.logit()).append('\n');
            }
        }
        try {
            Files.writeString(dir.resolve("predictions.json"), Json.write(doc), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("predictions.csv"), csv.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw OutputException.cannotWrite(out, e);
        }
    }

    static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Tokens often start or end with a space: show them quoted. */
    private static String quote(String token) {
        return "'" + token.replace("\n", "\\n") + "'";
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
