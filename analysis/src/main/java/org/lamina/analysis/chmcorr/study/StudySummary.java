package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.JsonNode;

import org.lamina.analysis.job.AtomicOutput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decisions and accuracy of a study (spec: "Export a CSV of decisions; summary: accuracy per
 * condition, split by AI-correct / AI-wrong"). A participant is right when they accept a correct
 * AI decision or reject a wrong one. Session accuracy is averaged over sessions (mean ± sample SD),
 * as the reference study reports it.
 */
public final class StudySummary {

    /** The reference study's numbers (re-aggregated from the released CHM-Corr++ data, spec). */
    public record Reference(String condition, double accuracy, double sd, int sessions) {
    }

    public static final List<Reference> REFERENCE = List.of(new Reference("static", 72.7, 12.4, 28),
            new Reference("interactive", 73.6, 10.4, 42));
    /** p-value of static vs interactive in the reference data. */
    public static final double REFERENCE_P = 0.75;

    /** One participant decision, a row of the decisions CSV. */
    public record DecisionRow(String participant, String condition, int trial, int queryIndex, int trueLabel,
                              int aiPrediction, boolean aiCorrect, boolean accepted, boolean humanCorrect, int confidence,
                              int edits, int redecisions, double seconds) {
    }

    /** A summary line per condition. */
    public record ConditionSummary(String condition, int sessions, int decisions, double meanAccuracy, double sdAccuracy,
                                   double accuracyAiCorrect, int nAiCorrect, double accuracyAiWrong, int nAiWrong) {
    }

    private StudySummary() {
    }

    /**
     * The decisions of all logs, in log order. The logs are checked against the protocol first
     * ({@link StudyLogReader#check(List, StudyProtocol)}): a log of another protocol, a log given
     * twice or an invalid event is refused, never counted.
     */
    public static List<DecisionRow> decisions(StudyProtocol protocol, List<StudyLogReader.Events> logs) {
        StudyLogReader.check(logs, protocol);
        List<DecisionRow> rows = new ArrayList<>();
        for (StudyLogReader.Events log : logs) {
            String condition = log.events().get(0).path("condition").asText("?");
            Map<Integer, JsonNode> finals = new LinkedHashMap<>();
            Map<Integer, String> shown = new LinkedHashMap<>();
            Map<Integer, int[]> counts = new LinkedHashMap<>();
            for (JsonNode e : log.events()) {
                int t = e.path("trial").asInt(-1);
                switch (e.path("event").asText()) {
                    case "trial-shown" -> shown.putIfAbsent(t, e.path("time").asText());
                    case "edit" -> counts.computeIfAbsent(t, x -> new int[2])[0]++;
                    case "re-decision" -> counts.computeIfAbsent(t, x -> new int[2])[1]++;
                    case "final-decision" -> finals.put(t, e);
                    default -> {
                    }
                }
            }
            for (Map.Entry<Integer, JsonNode> f : finals.entrySet()) {
                int t = f.getKey();
                if (t < 0 || t >= protocol.trials().size()) {
                    throw new StudyException(log.file() + ": final decision for trial " + t + " but the protocol has "
                            + protocol.trials().size() + " trials");
                }
                StudyProtocol.Trial trial = protocol.trials().get(t);
                boolean accepted = f.getValue().path("accept").asBoolean();
                int[] c = counts.getOrDefault(t, new int[2]);
                double seconds = shown.containsKey(t)
                        ? java.time.Duration.between(java.time.Instant.parse(shown.get(t)),
                        java.time.Instant.parse(f.getValue().path("time").asText())).toMillis() / 1000.0 : Double.NaN;
                rows.add(new DecisionRow(log.participant(), condition, t, trial.queryIndex(), trial.trueLabel(),
                        trial.aiPrediction(), trial.aiCorrect(), accepted, accepted == trial.aiCorrect(),
                        f.getValue().path("confidence").asInt(), c[0], c[1], seconds));
            }
        }
        return rows;
    }

    /** Accuracy per condition (conditions in protocol order). */
    public static List<ConditionSummary> summarise(StudyProtocol protocol, List<DecisionRow> rows) {
        List<ConditionSummary> out = new ArrayList<>();
        for (String condition : protocol.conditions()) {
            Map<String, int[]> perSession = new LinkedHashMap<>();
            int okRight = 0;
            int nRight = 0;
            int okWrong = 0;
            int nWrong = 0;
            int decisions = 0;
            for (DecisionRow r : rows) {
                if (!r.condition().equals(condition)) {
                    continue;
                }
                decisions++;
                int[] s = perSession.computeIfAbsent(r.participant(), x -> new int[2]);
                s[0] += r.humanCorrect() ? 1 : 0;
                s[1]++;
                if (r.aiCorrect()) {
                    nRight++;
                    okRight += r.humanCorrect() ? 1 : 0;
                } else {
                    nWrong++;
                    okWrong += r.humanCorrect() ? 1 : 0;
                }
            }
            double[] acc = perSession.values().stream().mapToDouble(s -> 100.0 * s[0] / s[1]).toArray();
            double mean = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
            double sd = acc.length < 2 ? Double.NaN
                    : Math.sqrt(java.util.Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / (acc.length - 1));
            out.add(new ConditionSummary(condition, acc.length, decisions, mean, sd,
                    nRight == 0 ? Double.NaN : 100.0 * okRight / nRight, nRight,
                    nWrong == 0 ? Double.NaN : 100.0 * okWrong / nWrong, nWrong));
        }
        return out;
    }

    /** A plain-text table with the reference study's numbers beside ours. */
    public static String table(List<ConditionSummary> summary) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %8s %9s %16s %16s %16s   %s%n", "condition", "sessions", "decisions",
                "accuracy %", "AI-correct %", "AI-wrong %", "reference (CHM-Corr++ study)"));
        for (ConditionSummary s : summary) {
            Reference ref = REFERENCE.stream().filter(r -> r.condition().equals(s.condition())).findFirst().orElse(null);
            b.append(String.format(Locale.ROOT, "%-12s %8d %9d %16s %16s %16s   %s%n", s.condition(), s.sessions(), s.decisions(),
                    pm(s.meanAccuracy(), s.sdAccuracy()), pct(s.accuracyAiCorrect(), s.nAiCorrect()),
                    pct(s.accuracyAiWrong(), s.nAiWrong()),
                    ref == null ? "" : String.format(Locale.ROOT, "%.1f ± %.1f (%d sessions)", ref.accuracy(), ref.sd(), ref.sessions())));
        }
        b.append(String.format(Locale.ROOT, "reference: static vs interactive p = %.2f (interactivity did not help)%n", REFERENCE_P));
        return b.toString();
    }

    /** Writes the decisions CSV atomically. */
    public static Path writeDecisionsCsv(List<DecisionRow> rows, Path file) {
        StringBuilder b = new StringBuilder("participant,condition,trial,queryIndex,trueLabel,aiPrediction,aiCorrect,accepted,"
                + "humanCorrect,confidence,edits,redecisions,seconds\n");
        for (DecisionRow r : rows) {
            b.append(String.join(",", r.participant(), r.condition(), "" + r.trial(), "" + r.queryIndex(), "" + r.trueLabel(),
                    "" + r.aiPrediction(), "" + r.aiCorrect(), "" + r.accepted(), "" + r.humanCorrect(), "" + r.confidence(),
                    "" + r.edits(), "" + r.redecisions(), String.format(Locale.ROOT, "%.3f", r.seconds()))).append('\n');
        }
        return AtomicOutput.write(file, tmp -> Files.writeString(tmp, b.toString()));
    }

    /** Writes the summary as CSV (ours and the reference side by side) atomically. */
    public static Path writeSummaryCsv(List<ConditionSummary> summary, Path file) {
        StringBuilder b = new StringBuilder("condition,sessions,decisions,accuracy,sd,accuracyAiCorrect,nAiCorrect,"
                + "accuracyAiWrong,nAiWrong,referenceAccuracy,referenceSd,referenceSessions\n");
        for (ConditionSummary s : summary) {
            Reference ref = REFERENCE.stream().filter(r -> r.condition().equals(s.condition())).findFirst().orElse(null);
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%.2f,%.2f,%.2f,%d,%.2f,%d,%s,%s,%s%n", s.condition(), s.sessions(),
                    s.decisions(), s.meanAccuracy(), s.sdAccuracy(), s.accuracyAiCorrect(), s.nAiCorrect(), s.accuracyAiWrong(),
                    s.nAiWrong(), ref == null ? "" : ref.accuracy(), ref == null ? "" : ref.sd(), ref == null ? "" : ref.sessions()));
        }
        return AtomicOutput.write(file, tmp -> Files.writeString(tmp, b.toString()));
    }

    private static String pm(double m, double sd) {
        if (Double.isNaN(m)) {
            return "–";
        }
        return Double.isNaN(sd) ? String.format(Locale.ROOT, "%.1f", m) : String.format(Locale.ROOT, "%.1f ± %.1f", m, sd);
    }

    private static String pct(double v, int n) {
        return Double.isNaN(v) ? "– (0)" : String.format(Locale.ROOT, "%.1f (%d)", v, n);
    }
}
