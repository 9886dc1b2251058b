package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.provenance.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's output is all of one run, or nothing (issue #16, class 2), at the command line: options
 * are checked before anything is computed, an unwritable {@code --out} or standard output is an
 * error with the reason, and a run killed with SIGKILL while it computes leaves the previous run's
 * folder exactly as it was.
 */
class RunOutputCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** Every command that writes figures, with arguments that would run it (quickly) if the options were fine. */
    static Stream<List<String>> figureCommands() {
        return Stream.of(
                List.of("infoplane", "--epochs", "5"),
                List.of("craft", "sample:tiny-cnn", "--class", "Coat", "--data", "sample:fashion-test", "--images", "2",
                        "--rank", "2", "--patch", "12", "--designs", "4", "--quiet"),
                List.of("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--class", "Bag", "--images", "1", "--steps", "2", "--device", "cpu", "--quiet"),
                List.of("probe", "sample:tiny-cnn", "--concepts", "sample:fashion-concepts", "--data", "sample:fashion-test", "--max-samples", "20", "--quiet"),
                List.of("chmcorr", "sample:tiny-cnn", "--device", "cpu", "--query-set", "sample:fashion-test", "--gallery", "sample:fashion-train", "--gallery-size", "50",
                        "--n", "10", "--k", "3", "--query", "0"),
                List.of("lens", "sample:tiny-llama", "--text", "The capital of France is"));
    }

    @ParameterizedTest
    @MethodSource("figureCommands")
    void aBadDpiIsRefusedBeforeAnythingIsComputedOrWritten(List<String> command) {
        for (String dpi : new String[] {"0", "5000", "100000", "-3"}) {
            Path out = temp.resolve(command.get(0) + "-dpi-" + dpi);
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--dpi", dpi, "--out", out.toString(), "--cache", temp.resolve("cache").toString()));
            if (!command.get(0).equals("chmcorr")) {
                args.subList(args.size() - 2, args.size()).clear();
            }
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains("--dpi must be 72 … 1200").contains("got " + dpi).doesNotContain("Exception");
            assertThat(out).as("nothing computed, nothing written").doesNotExist();
        }
    }

    /** Options where a negative number is meaningful (seeds) or that name an item, checked with the data. */
    private static final java.util.Set<String> NEGATIVE_ALLOWED = java.util.Set.of("--seed", "--alpha-w");

    /**
     * Every numeric option of every analysis command refuses a negative value (or says why it
     * means something) before anything is computed or written: a missed check would create the
     * output folder, since the folder is opened just before the computation.
     */
    @ParameterizedTest
    @MethodSource("figureCommands")
    void everyNumericOptionIsCheckedBeforeAnythingIsComputed(List<String> command) {
        picocli.CommandLine cli = new picocli.CommandLine(new LaminaCli());
        picocli.CommandLine.Model.CommandSpec spec = cli.getSubcommands().get(command.get(0)).getCommandSpec();
        List<String> unchecked = new ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
            Class<?> t = o.type();
            boolean numeric = t == int.class || t == Integer.class || t == long.class || t == Long.class
                    || t == double.class || t == Double.class || t == float.class;
            if (!numeric || NEGATIVE_ALLOWED.contains(o.longestName())) {
                continue;
            }
            Path out = temp.resolve(command.get(0) + o.longestName());
            List<String> args = new ArrayList<>(command);
            int at = args.indexOf(o.longestName());
            if (at >= 0) {
                args.remove(at + 1);
                args.remove(at);
            }
            args.addAll(List.of(o.longestName(), "-1", "--out", out.toString()));
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            if (r.code() != LaminaCli.EXIT_BAD_INPUT || Files.exists(out) || !r.err().contains("-1")) {
                unchecked.add(o.longestName() + " -1 → exit " + r.code() + ", " + r.err().strip());
            }
        }
        assertThat(unchecked).isEmpty();
    }

    @Test
    void replayChecksItsWidthAndDpiBeforeReadingTheSession() {
        Path out = temp.resolve("replay");
        CliRun.Result dpi = CliRun.run("replay", temp.resolve("missing.lamina.json").toString(), "--dpi", "5000", "--out", out.toString());
        assertThat(dpi.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(dpi.err()).contains("--dpi must be 72 … 1200");
        CliRun.Result width = CliRun.run("replay", temp.resolve("missing.lamina.json").toString(), "--width-cm", "0", "--out", out.toString());
        assertThat(width.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(width.err()).contains("--width-cm must be 2");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutFolderThatCannotBeWrittenIsExitCode2WithTheReason() throws Exception {
        Path file = Files.writeString(temp.resolve("plain-file"), "x");
        for (Path out : List.of(file, file.resolve("below-a-file"))) {
            CliRun.Result r = CliRun.run("infoplane", "--epochs", "5", "--out", out.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains(out.toString()).contains("not a folder").doesNotContain("Exception");
        }
        assertThat(file).hasContent("x");
    }

    @Test
    void aFailedWriteToStandardOutputIsAFailure() {
        PrintStream old = System.out;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        int code;
        try {
            // What `lamina models > /dev/full` gives the JVM: every write fails.
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("No space left on device");
                }
            }, true));
            System.setErr(new PrintStream(err, true));
            code = LaminaCli.execute("models");
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("cannot write to standard output");
    }

    @Test
    void aRunKilledWhileItComputesLeavesThePreviousRunIntact() throws Exception {
        Path out = temp.resolve("ip");
        CliRun.Result first = CliRun.run("infoplane", "--epochs", "20", "--quiet", "--dpi", "72", "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, String> before = hashes(out);
        assertThat(before).containsKeys("infoplane.json", "infoplane.png", OutputFolder.manifestName("infoplane"));
        assertManifestMatchesTheFiles(out);

        // A second run with other parameters, killed with SIGKILL (no shutdown hook runs) mid-training.
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", LaminaCli.class.getName(),
                "infoplane", "--epochs", "10000", "--quiet", "--dpi", "72", "--out", out.toString());
        pb.redirectErrorStream(true).redirectOutput(temp.resolve("killed.log").toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (stagingFolders(out).isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(stagingFolders(out)).as(Files.readString(temp.resolve("killed.log"))).isNotEmpty();
            Thread.sleep(300);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, String> after = hashes(out);
        after.keySet().removeIf(f -> f.startsWith("."));
        assertThat(after).as("the killed run changed nothing visible").isEqualTo(before);

        // The next run removes the dead run's staging folder and leaves one consistent run.
        CliRun.Result third = CliRun.run("infoplane", "--epochs", "10", "--quiet", "--dpi", "72", "--out", out.toString());
        assertThat(third.code()).as(third.err()).isZero();
        assertThat(stagingFolders(out)).isEmpty();
        assertManifestMatchesTheFiles(out);
        assertThat(JSON.readTree(out.resolve(OutputFolder.manifestName("infoplane")).toFile()).path("run").path("arguments").toString())
                .contains("\"10\"");
    }

    private static void assertManifestMatchesTheFiles(Path out) throws IOException {
        JsonNode files = JSON.readTree(out.resolve(OutputFolder.manifestName("infoplane")).toFile()).path("files");
        Iterator<Map.Entry<String, JsonNode>> it = files.fields();
        int n = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(Sha256.of(out.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue().path("sha256").asText());
            n++;
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.filter(f -> !f.getFileName().toString().startsWith("lamina-run-")).count()).isEqualTo(n);
        }
    }

    private static List<Path> stagingFolders(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(f -> f.getFileName().toString().startsWith(".lamina-")).toList();
        }
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) {
                    out.put(f.getFileName().toString(), Sha256.of(f));
                }
            }
        }
        return out;
    }
}
