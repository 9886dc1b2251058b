package org.lamina.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.chmcorr.study.ProtocolGenerator;
import org.lamina.analysis.chmcorr.study.StudyProtocol;
import org.lamina.analysis.chmcorr.study.StudySession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16 class 6 at the command line: {@code study summary} refuses an invalid log with exit 2
 * naming the file and line, says on stderr which lines a crash tore, and {@code study new} refuses
 * more trials than the query set has before it computes anything.
 */
class StudyIntegrityCliTest {

    @TempDir
    Path dir;

    /** A protocol on sample:fashion-test and one static participant who accepts all 4 trials (log lines 1 … 9). */
    private Path[] protocolAndLog() {
        List<StudyProtocol.Trial> trials = ProtocolGenerator.draw(2000, i -> i % 10, i -> i % 2 == 0 ? i % 10 : (i + 1) % 10,
                2, 2, 3);
        StudyProtocol p = new StudyProtocol(StudyProtocol.FORMAT, "sample:tiny-cnn", "sample:fashion-train", 200,
                "sample:fashion-test", List.of("static", "interactive"), 3, 50, 20, trials);
        Path protocol = p.write(dir.resolve("protocol.json"));
        Path log = dir.resolve("p1.jsonl");
        try (StudySession s = new StudySession(p, protocol, "p1", "static", log)) {
            for (int t = 0; t < 4; t++) {
                s.show(t);
                s.decide(true, 4);
            }
        }
        return new Path[] {protocol, log};
    }

    @Test
    void summaryRefusesABadLogNamingFileAndLine() throws Exception {
        Path[] pl = protocolAndLog();
        List<String> lines = new ArrayList<>(Files.readAllLines(pl[1]));
        lines.set(4, lines.get(4).replace("\"accept\":true", "\"accept\":\"yes\""));
        Path bad = Files.write(dir.resolve("bad.jsonl"), lines);
        CliRun.Result r = CliRun.run("study", "summary", pl[0].toString(), bad.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("bad.jsonl line 5").contains("accept");

        CliRun.Result twice = CliRun.run("study", "export", pl[0].toString(), pl[1].toString(), pl[1].toString(),
                "--out", dir.resolve("d.csv").toString());
        assertThat(twice.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(twice.err()).contains("p1.jsonl").contains("twice");
        assertThat(dir.resolve("d.csv")).doesNotExist();
    }

    @Test
    void summarySaysWhichLinesACrashToreAndCountsTheRest() throws Exception {
        Path[] pl = protocolAndLog();
        Files.writeString(pl[1], "{\"seq\":9,\"time\":\"2026-", StandardOpenOption.APPEND);
        CliRun.Result r = CliRun.run("study", "summary", pl[0].toString(), pl[1].toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("p1.jsonl").contains("1 line(s) torn").contains("line 10");
        assertThat(r.out()).containsPattern("static\\s+1\\s+4\\s");
    }

    @Test
    void studyNewRefusesMoreTrialsThanTheQuerySetBeforeComputing() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path out = dir.resolve("protocol.json");
        CliRun.Result r = CliRun.run("study", "new", "sample:tiny-cnn", "--gallery", "sample:fashion-train", "--queries",
                "sample:fashion-test", "--gallery-size", "50", "--correct", "5000",
                "--cache", cache.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("5010").contains("sample:fashion-test").contains("only 2000 images");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.toList()).as("no gallery index was computed").isEmpty();
        }
    }
}
