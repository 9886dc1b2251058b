package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.JsonNode;

import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.MapEdit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The append-only log: refuses files that are not ours, never rewrites a line, survives a killed JVM. */
class StudySessionLogTest {

    @Test
    void refusesFilesThatAreNotOursAndNeverChangesThem(@TempDir Path dir) throws Exception {
        Path notes = dir.resolve("notes.jsonl");
        Files.writeString(notes, "{\"hello\": 1}\n");
        assertThatThrownBy(() -> StudySessionLog.open(notes, "p1", Map.of()))
                .isInstanceOf(StudyException.class).hasMessageContaining("notes.jsonl")
                .hasMessageContaining("not a Lamina study log").hasMessageContaining("refusing to append");
        assertThat(Files.readString(notes)).isEqualTo("{\"hello\": 1}\n");
        Path binary = dir.resolve("binary.jsonl");
        Files.write(binary, new byte[] {(byte) 0xff, 0, 1});
        assertThatThrownBy(() -> StudySessionLog.open(binary, "p1", Map.of())).hasMessageContaining("not a Lamina study log");

        Path log = dir.resolve("p1.jsonl");
        try (StudySessionLog l = StudySessionLog.open(log, "p1", Map.of("condition", "static"))) {
            l.append("trial-shown", Map.of("trial", 0));
        }
        assertThatThrownBy(() -> StudySessionLog.open(log, "p2", Map.of()))
                .hasMessageContaining("participant 'p1', not 'p2'");
        assertThatThrownBy(() -> StudySessionLog.open(dir.resolve("x.jsonl"), "Jane Doe <jane@x.org>", Map.of()))
                .hasMessageContaining("pseudonym");
        byte[] before = Files.readAllBytes(log);
        try (StudySessionLog l = StudySessionLog.open(log, "p1", Map.of())) {
            l.append("final-decision", Map.of("trial", 0, "accept", true, "confidence", 4));
        }
        byte[] after = Files.readAllBytes(log);
        assertThat(java.util.Arrays.copyOf(after, before.length)).isEqualTo(before);
        List<JsonNode> events = StudyLogReader.read(log).events();
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("session-start", "trial-shown", "session-resume", "final-decision");
        assertThat(events).extracting(e -> e.get("seq").asLong()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aKilledJvmLosesAtMostTheEventInFlight(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("p-crash.jsonl");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", cp, StudyLogChild.class.getName(), log.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long acknowledged = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acknowledged = Long.parseLong(line.substring(4));
                    if (acknowledged >= 200) {
                        child.destroyForcibly();   // SIGKILL mid-session: no shutdown hooks, no close()
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).as("child acknowledged events").isGreaterThanOrEqualTo(200);
        StudyLogReader.Events events = StudyLogReader.read(log);
        assertThat(events.tornLines()).isLessThanOrEqualTo(1);
        List<Long> seqs = new ArrayList<>();
        events.events().forEach(e -> seqs.add(e.get("seq").asLong()));
        // Every acknowledged event is there, in order, with no gap; at most the one in flight is missing.
        assertThat(seqs.size() - 1L).isGreaterThanOrEqualTo(acknowledged);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
        // The log can be resumed; what was there stays byte for byte.
        byte[] before = Files.readAllBytes(log);
        try (StudySessionLog l = StudySessionLog.open(log, "p-crash", Map.of())) {
            l.append("final-decision", Map.of("trial", 0, "accept", false, "confidence", 2));
        }
        assertThat(java.util.Arrays.copyOf(Files.readAllBytes(log), before.length)).isEqualTo(before);
        List<JsonNode> again = StudyLogReader.read(log).events();
        assertThat(again.get(again.size() - 1).get("event").asText()).isEqualTo("final-decision");
        assertThat(again.get(again.size() - 2).get("event").asText()).isEqualTo("session-resume");
    }

    @Test
    void protocolGeneratorSessionExportAndSummary(@TempDir Path dir) {
        // AI is right on even images, wrong on odd ones.
        List<StudyProtocol.Trial> trials = ProtocolGenerator.draw(100, i -> i % 3, i -> i % 2 == 0 ? i % 3 : (i + 1) % 3, 3, 2, 42);
        assertThat(trials).hasSize(5);
        assertThat(trials).filteredOn(StudyProtocol.Trial::aiCorrect).hasSize(3);
        assertThat(trials).allMatch(t -> t.aiCorrect() == (t.queryIndex() % 2 == 0));
        assertThat(ProtocolGenerator.draw(100, i -> i % 3, i -> i % 2 == 0 ? i % 3 : (i + 1) % 3, 3, 2, 42)).isEqualTo(trials);
        assertThatThrownBy(() -> ProtocolGenerator.draw(10, i -> 0, i -> 0, 3, 2, 1)).hasMessageContaining("0 AI-wrong");

        StudyProtocol p = new StudyProtocol(StudyProtocol.FORMAT, "sample:fashion-cnn", "sample:fashion-train", 20000,
                "sample:fashion-test", List.of("static", "interactive"), 42, 50, 20, trials);
        Path pf = p.write(dir.resolve("protocol.json"));
        assertThat(StudyProtocol.read(pf)).isEqualTo(p);
        assertThatThrownBy(() -> p.checkImages(50, "protocol.json")).hasMessageContaining("protocol.json")
                .hasMessageContaining("names image").hasMessageContaining("0 … 49");

        // Static participant: accepts everything → right on the 3 AI-correct, wrong on the 2 AI-wrong.
        try (StudySession s = new StudySession(p, pf, "s1", "static", dir.resolve("s1.jsonl"))) {
            for (int t = 0; t < 5; t++) {
                s.show(t);
                s.decide(true, 3);
            }
            assertThatThrownBy(() -> s.edit(new MapEdit("paint", new int[0], new float[0], new float[0])))
                    .hasMessageContaining("static");
            assertThatThrownBy(() -> s.decide(true, 6)).hasMessageContaining("1 … 5");
        }
        // Interactive participant: edits once per trial, rejects everything → right only on the 2 AI-wrong.
        try (StudySession s = new StudySession(p, pf, "i1", "interactive", dir.resolve("i1.jsonl"))) {
            for (int t = 0; t < 5; t++) {
                s.show(t);
                s.edit(new MapEdit("paint", new int[] {0}, new float[] {0}, new float[] {1}));
                s.redecide(new Decision(1, 20, 11, 0.55, new int[] {9, 11, 0}, new int[0], new float[0], true));
                s.decide(false, 5);
            }
        }
        List<StudySummary.DecisionRow> rows = StudySummary.decisions(p,
                List.of(StudyLogReader.read(dir.resolve("s1.jsonl")), StudyLogReader.read(dir.resolve("i1.jsonl"))));
        assertThat(rows).hasSize(10);
        assertThat(rows).filteredOn(r -> r.condition().equals("interactive")).allMatch(r -> r.edits() == 1 && r.redecisions() == 1);
        List<StudySummary.ConditionSummary> sum = StudySummary.summarise(p, rows);
        assertThat(sum.get(0).meanAccuracy()).isEqualTo(60.0);
        assertThat(sum.get(0).accuracyAiCorrect()).isEqualTo(100.0);
        assertThat(sum.get(0).accuracyAiWrong()).isEqualTo(0.0);
        assertThat(sum.get(1).meanAccuracy()).isEqualTo(40.0);
        assertThat(sum.get(1).accuracyAiWrong()).isEqualTo(100.0);
        String table = StudySummary.table(sum);
        assertThat(table).contains("72.7 ± 12.4 (28 sessions)").contains("73.6 ± 10.4 (42 sessions)").contains("p = 0.75");
        Path csv = StudySummary.writeDecisionsCsv(rows, dir.resolve("decisions.csv"));
        assertThat(csv).content().startsWith("participant,condition,trial").contains("s1,static,0,");
        assertThat(new File(dir.toFile(), "decisions.csv")).exists();
    }
}
