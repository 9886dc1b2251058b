package org.lamina.analysis.chmcorr.study;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #16 class 6: study logs cannot be miscounted. A real log is written through
 * {@link StudySession}, then one line is changed the way a mix-up, an edit or a crash would change
 * it; {@code StudySummary.decisions} (what {@code study summary} and {@code export} count) must
 * refuse it naming the file and the line, or, for a write torn by a crash, leave it uncounted.
 */
class StudyLogIntegrityTest {

    @TempDir
    Path dir;

    private StudyProtocol protocol;
    private Path protocolFile;
    private Path log;

    private static StudyProtocol protocol(long seed) {
        List<StudyProtocol.Trial> trials = ProtocolGenerator.draw(100, i -> i % 3, i -> i % 2 == 0 ? i % 3 : (i + 1) % 3, 3, 2, seed);
        return new StudyProtocol(StudyProtocol.FORMAT, "sample:fashion-cnn", "sample:fashion-train", 20000,
                "sample:fashion-test", List.of("static", "interactive"), seed, 50, 20, trials);
    }

    /** s1, static: 5 trials shown and accepted with confidence 3 (lines 1 … 11). */
    @BeforeEach
    void writeALog() {
        protocol = protocol(42);
        protocolFile = protocol.write(dir.resolve("protocol.json"));
        log = dir.resolve("s1.jsonl");
        try (StudySession s = new StudySession(protocol, protocolFile, "s1", "static", log)) {
            for (int t = 0; t < 5; t++) {
                s.show(t);
                s.decide(true, 3);
            }
        }
    }

    /** A copy of the log with line {@code n} (1-based) changed by {@code edit}. */
    private Path edited(String name, int n, UnaryOperator<String> edit) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        String before = lines.get(n - 1);
        lines.set(n - 1, edit.apply(before));
        assertThat(lines.get(n - 1)).as("the edit changed line " + n).isNotEqualTo(before);
        return Files.write(dir.resolve(name), lines);
    }

    private List<StudySummary.DecisionRow> count(Path... logs) {
        List<StudyLogReader.Events> events = new ArrayList<>();
        for (Path l : logs) {
            events.add(StudyLogReader.read(l));
        }
        return StudySummary.decisions(protocol, events);
    }

    @Test
    void aLogOfAnotherProtocolIsRefused() throws Exception {
        Path other = dir.resolve("other.jsonl");
        StudyProtocol redrawn = protocol(7);
        try (StudySession s = new StudySession(redrawn, dir.resolve("protocol.json"), "o1", "static", other)) {
            s.show(0);
            s.decide(false, 2);
        }
        assertThatThrownBy(() -> count(other)).isInstanceOf(StudyException.class)
                .hasMessageContaining("other.jsonl line 1").hasMessageContaining("another protocol");
        Path noHash = edited("nohash.jsonl", 1, l -> l.replaceAll(",\"protocolSha256\":\"[0-9a-f]+\"", ""));
        assertThatThrownBy(() -> count(noHash)).isInstanceOf(StudyException.class)
                .hasMessageContaining("nohash.jsonl line 1").hasMessageContaining("protocol");
    }

    @Test
    void aLogGivenTwiceOrTwoLogsOfOneParticipantAreNotCountedTwice() throws Exception {
        assertThatThrownBy(() -> count(log, log)).isInstanceOf(StudyException.class)
                .hasMessageContaining("s1.jsonl").hasMessageContaining("twice");
        Path copy = Files.copy(log, dir.resolve("s1-copy.jsonl"));
        assertThatThrownBy(() -> count(log, copy)).isInstanceOf(StudyException.class)
                .hasMessageContaining("s1-copy.jsonl").hasMessageContaining("participant 's1'");
    }

    @Test
    void anUnknownConditionIsRefusedNamingFileAndLine() throws Exception {
        Path bad = edited("cond.jsonl", 1, l -> l.replace("\"condition\":\"static\"", "\"condition\":\"statik\""));
        assertThatThrownBy(() -> count(bad)).isInstanceOf(StudyException.class)
                .hasMessageContaining("cond.jsonl line 1").hasMessageContaining("statik");
    }

    @Test
    void anAcceptThatIsNotABooleanIsRefusedNamingFileAndLine() throws Exception {
        for (String v : List.of("\"yes\"", "1", "\"false\"", "null")) {
            Path bad = edited("accept.jsonl", 5, l -> l.replace("\"accept\":true", "\"accept\":" + v));
            assertThatThrownBy(() -> count(bad)).as(v).isInstanceOf(StudyException.class)
                    .hasMessageContaining("accept.jsonl line 5").hasMessageContaining("accept");
        }
    }

    @Test
    void aConfidenceOutsideOneToFiveIsRefusedNamingFileAndLine() throws Exception {
        for (String v : List.of("0", "6", "-1", "2.5", "\"3\"")) {
            Path bad = edited("conf.jsonl", 7, l -> l.replace("\"confidence\":3", "\"confidence\":" + v));
            assertThatThrownBy(() -> count(bad)).as(v).isInstanceOf(StudyException.class)
                    .hasMessageContaining("conf.jsonl line 7").hasMessageContaining("confidence");
        }
    }

    @Test
    void aBadTimestampNamesFileAndLine() throws Exception {
        Path bad = edited("time.jsonl", 4, l -> l.replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"yesterday\""));
        assertThatThrownBy(() -> count(bad)).isInstanceOf(StudyException.class)
                .hasMessageContaining("time.jsonl line 4").hasMessageContaining("timestamp");
    }

    @Test
    void garbageInTheMiddleIsAnErrorNamingEveryLineButATornLastLineIsNotCounted() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.add(3, "hello");
        lines.add(7, lines.get(7).substring(0, 25));   // looks torn, but the log went on without a resume
        Path garbage = Files.write(dir.resolve("garbage.jsonl"), lines);
        assertThatThrownBy(() -> count(garbage)).isInstanceOf(StudyException.class)
                .hasMessageContaining("garbage.jsonl").hasMessageContaining("2 lines").hasMessageContaining("4, 8");

        // A crash mid-write tears only the last line: it is not counted, and the rest is.
        Path torn = Files.copy(log, dir.resolve("torn.jsonl"));
        Files.writeString(torn, "{\"seq\":11,\"time\":\"2026-01-0", java.nio.file.StandardOpenOption.APPEND);
        assertThat(StudyLogReader.read(torn).tornLines()).isEqualTo(1);
        assertThat(count(torn)).hasSize(5);
        // Resumed after the crash: the torn line stays, followed by the session-resume.
        try (StudySession s = new StudySession(protocol, protocolFile, "s1", "static", torn)) {
            s.show(0);
            s.decide(false, 4);
        }
        assertThat(StudyLogReader.read(torn).tornLines()).isEqualTo(1);
        assertThat(count(torn)).hasSize(5).filteredOn(r -> r.trial() == 0).singleElement()
                .satisfies(r -> assertThat(r.accepted()).isFalse());
    }

    @Test
    void moreTrialsThanTheQuerySetHasAreRefusedBeforeAnythingIsClassified() {
        AtomicInteger classified = new AtomicInteger();
        assertThatThrownBy(() -> ProtocolGenerator.draw(1800, i -> 0, i -> {
            classified.incrementAndGet();
            return 0;
        }, 5000, 10, 42)).isInstanceOf(StudyException.class).hasMessageContaining("5010").hasMessageContaining("1800");
        assertThat(classified).as("images classified before refusing").hasValue(0);
    }
}
