package org.lamina.analysis.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run's output folder holds all of one run or the previous run untouched (issue #16, class 2):
 * each test kills a run at one stage — while it computes, after its files are staged, halfway
 * through moving them, after pruning, after the manifest — and checks the folder, then checks that
 * the next open completes an interrupted commit.
 */
class OutputFolderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = OutputFolder.manifestName("test");

    @TempDir
    Path temp;

    /** Thrown by the crash hook: the run "dies" there (nothing after it runs). */
    static final class Killed extends RuntimeException {
    }

    private Path out() {
        return temp.resolve("out");
    }

    /** Run 1 wrote three files; run 2 writes two of them anew and not the third. */
    private void firstRun() throws IOException {
        try (OutputFolder f = OutputFolder.open(out(), "test")) {
            write(f.directory().resolve("result.json"), "{\"run\":1}");
            write(f.directory().resolve("figure-a.png"), "A1");
            write(f.directory().resolve("figure-b.png"), "B1");
            f.commit(Map.of("command", "test", "run", 1));
        }
    }

    private OutputFolder secondRunStaged() throws IOException {
        OutputFolder f = OutputFolder.open(out(), "test");
        write(f.directory().resolve("result.json"), "{\"run\":2}");
        write(f.directory().resolve("figure-a.png"), "A2");
        write(f.directory().resolve("sub/extra.csv"), "x");
        return f;
    }

    private static final Map<String, String> RUN1 = Map.of("result.json", "{\"run\":1}", "figure-a.png", "A1", "figure-b.png", "B1");
    private static final Map<String, String> RUN2 = Map.of("result.json", "{\"run\":2}", "figure-a.png", "A2", "sub/extra.csv", "x");

    @Test
    void aCommittedRunHasAManifestWrittenLastWithEveryFileAndItsHash() throws Exception {
        firstRun();
        assertThat(contents(out())).isEqualTo(RUN1);
        JsonNode manifest = JSON.readTree(out().resolve(MANIFEST).toFile());
        assertThat(manifest.path("run").path("command").asText()).isEqualTo("test");
        assertThat(manifest.path("files").path("figure-a.png").path("sha256").asText())
                .isEqualTo(org.lamina.analysis.provenance.Sha256.of(out().resolve("figure-a.png")));
        try (OutputFolder f = secondRunStaged()) {
            f.commit(Map.of("command", "test", "run", 2));
        }
        assertThat(contents(out())).as("run 2 replaced run 1 and removed its figure-b.png").isEqualTo(RUN2);
        assertThat(OutputFolder.filesOf(out().resolve(MANIFEST))).containsExactlyInAnyOrder(
                "figure-a.png", "result.json", "sub/extra.csv");
    }

    @Test
    void aRunThatFailsWhileComputingLeavesThePreviousRun() throws Exception {
        firstRun();
        try (OutputFolder f = secondRunStaged()) {
            // the analysis throws here: no commit
        }
        assertThat(contents(out())).isEqualTo(RUN1);
        assertThat(hiddenEntries(out())).isEmpty();
    }

    @Test
    void aRunKilledWhileComputingLeavesAStagingFolderThatTheNextOpenRemoves() throws Exception {
        firstRun();
        // What SIGKILL leaves: a staging folder of a process that no longer runs.
        Path orphan = out().resolve(OutputFolder.STAGING_PREFIX + deadPid() + "-x");
        write(orphan.resolve("result.json"), "{\"run\":2}");
        assertThat(contents(out())).isEqualTo(RUN1);
        try (OutputFolder f = OutputFolder.open(out(), "test")) {
            assertThat(orphan).doesNotExist();
        }
        assertThat(hiddenEntries(out())).isEmpty();
        assertThat(contents(out())).isEqualTo(RUN1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "moving", "moved", "pruned", "manifest"})
    void aRunKilledDuringItsCommitIsEitherTheOldRunOrCompletedByTheNextOpen(String stage) throws Exception {
        firstRun();
        OutputFolder f = secondRunStaged();
        f.crashAt(s -> {
            if (s.equals(stage)) {
                throw new Killed();
            }
        });
        assertThatThrownBy(() -> f.commit(Map.of("run", 2))).isInstanceOf(Killed.class);
        if (stage.equals("staged")) {
            // Killed before the rename that makes the run count: the previous run, untouched.
            f.close();
            assertThat(contents(out())).isEqualTo(RUN1);
            assertThat(hiddenEntries(out())).isEmpty();
            return;
        }
        // Past the rename, the run counts as done: the next open (or recover) finishes it.
        OutputFolder.recover(out());
        assertThat(contents(out())).isEqualTo(RUN2);
        assertThat(hiddenEntries(out())).isEmpty();
        assertThat(OutputFolder.filesOf(out().resolve(MANIFEST))).containsExactlyInAnyOrder(
                "figure-a.png", "result.json", "sub/extra.csv");
    }

    @Test
    void runsOfAnotherKindKeepTheirFiles() throws Exception {
        firstRun();
        try (OutputFolder other = OutputFolder.open(out(), "other")) {
            write(other.directory().resolve("other.json"), "{}");
            other.commit(Map.of());
        }
        try (OutputFolder f = secondRunStaged()) {
            f.commit(Map.of());
        }
        Map<String, String> expected = new TreeMap<>(RUN2);
        expected.put("other.json", "{}");
        assertThat(contents(out())).isEqualTo(expected);
        assertThat(out().resolve(OutputFolder.manifestName("other"))).isRegularFile();
    }

    @Test
    void theUsersOwnFilesAreNeverTouched() throws Exception {
        write(out().resolve("notes.txt"), "mine");
        firstRun();
        try (OutputFolder f = secondRunStaged()) {
            f.commit(Map.of());
        }
        assertThat(out().resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void aSymbolicLinkOrAFifoAtATargetIsRefusedAndNothingChanges() throws Exception {
        firstRun();
        Path elsewhere = temp.resolve("colleague.png");
        write(elsewhere, "theirs");
        Files.delete(out().resolve("figure-a.png"));
        Files.createSymbolicLink(out().resolve("figure-a.png"), elsewhere);
        try (OutputFolder f = secondRunStaged()) {
            assertThatThrownBy(() -> f.commit(Map.of()))
                    .isInstanceOf(OutputException.class)
                    .hasMessageContaining("figure-a.png").hasMessageContaining("symbolic link");
        }
        assertThat(Files.isSymbolicLink(out().resolve("figure-a.png"))).isTrue();
        assertThat(elsewhere).hasContent("theirs");
        assertThat(out().resolve("result.json")).hasContent("{\"run\":1}");
        assertThat(hiddenEntries(out())).isEmpty();

        Path fifo = out().resolve("result.json");
        Files.delete(fifo);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        assertThatThrownBy(() -> AtomicOutput.write(fifo, tmp -> Files.writeString(tmp, "x")))
                .isInstanceOf(OutputException.class).hasMessageContaining("special file");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void filesAreCreatedWithTheUsersUmaskNotOwnerOnly() throws Exception {
        Path reference = Files.createFile(temp.resolve("made-by-touch"));
        Path written = AtomicOutput.write(temp.resolve("protocol.json"), tmp -> Files.writeString(tmp, "{}"));
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(reference));
        // With the usual umask 022 a colleague can read it (Files.createTempFile would give 0600).
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getPosixFilePermissions(reference).contains(PosixFilePermission.OTHERS_READ));
        assertThat(Files.getPosixFilePermissions(written)).contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        firstRun();
        assertThat(Files.getPosixFilePermissions(out().resolve("result.json"))).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    @Test
    void anUnwritableFolderIsRefusedWithTheReasonBeforeAnythingRuns() throws Exception {
        Path file = temp.resolve("a-file");
        write(file, "x");
        assertThatThrownBy(() -> OutputFolder.open(file, "test"))
                .isInstanceOf(OutputException.class).hasMessageContaining("a-file").hasMessageContaining("not a folder");
        assertThatThrownBy(() -> OutputFolder.open(file.resolve("sub"), "test"))
                .isInstanceOf(OutputException.class).hasMessageContaining("not a folder");
        assertThat(OutputException.reason(new FileSystemException("/x", null, "No space left on device")))
                .isEqualTo("no space left on the device");
        assertThat(OutputException.reason(new java.nio.file.AccessDeniedException("/x"))).isEqualTo("permission denied");
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static void write(Path p, String s) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }

    /** Every visible regular file under the folder except the manifest, with its content. */
    static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isRegularFile(p) && !rel.startsWith(".") && !rel.startsWith("lamina-run-")) {
                    out.put(rel, Files.readString(p));
                }
            }
        }
        return out;
    }

    /** Staging or commit folders, or .part files, left in the folder. */
    static java.util.List<String> hiddenEntries(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString())
                    .filter(n -> n.startsWith(".") || n.endsWith(".part") || n.endsWith(".tmp")).toList();
        }
    }
}
