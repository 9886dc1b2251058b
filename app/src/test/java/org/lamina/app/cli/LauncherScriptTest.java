package org.lamina.app.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./lamina} launcher rebuilds when a source changed, and only then (issue #16, class 7):
 * outputs under any {@code target/} folder — JMH's generated sources under {@code bench/target/}
 * after {@code bench/compare.sh} — never make it rebuild. The script is run from a copy of the
 * checkout's layout with a {@code mvn} and a {@code java} on the PATH that only record their calls.
 */
class LauncherScriptTest {

    @TempDir
    Path root;

    private Path calls;

    @BeforeEach
    void layOutACheckout() throws IOException {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("lamina");
        Files.copy(script, root.resolve("lamina"));
        root.resolve("lamina").toFile().setExecutable(true);
        write(root.resolve("pom.xml"), "<project/>");
        write(root.resolve("analysis/pom.xml"), "<project/>");
        write(root.resolve("analysis/src/main/java/A.java"), "class A {}");
        calls = root.resolve("calls.log");
        Path bin = root.resolve("fakebin");
        // The fake build makes the jar and lib folder, as `mvn package` does.
        script(bin.resolve("mvn"), "echo mvn >> '" + calls + "'\n"
                + "mkdir -p '" + root + "/app/target/lib' && touch '" + root + "/app/target/lamina-app.jar'\n");
        script(bin.resolve("java"), "echo java >> '" + calls + "'\n");
    }

    @Test
    void buildsOnceThenOnlyWhenASourceChanges() throws Exception {
        assertThat(launch()).containsExactly("mvn", "java");
        assertThat(launch()).as("nothing changed").containsExactly("mvn", "java", "java");

        // JMH writes generated sources and classes under bench/target/ after the jar was built.
        Path generated = root.resolve("bench/target/generated-sources/annotations/X_jmhTest.java");
        write(generated, "class X_jmhTest {}");
        touchInTheFuture(generated);
        touchInTheFuture(root.resolve("bench/target/classes"));
        assertThat(launch()).as("build outputs are not sources").containsExactly("mvn", "java", "java", "java");

        // An edited source (or pom) is: the last build is made a minute old, then a source edited now.
        setTime(root.resolve("app/target/.lamina-built"), Instant.now().minusSeconds(60));
        setTime(root.resolve("app/target/lamina-app.jar"), Instant.now().minusSeconds(60));
        setTime(root.resolve("analysis/src/main/java/A.java"), Instant.now());
        assertThat(launch()).containsExactly("mvn", "java", "java", "java", "mvn", "java");
        assertThat(launch()).containsExactly("mvn", "java", "java", "java", "mvn", "java", "java");
    }

    @Test
    void aFailedBuildIsRetriedNextTime() throws Exception {
        Path bin = root.resolve("fakebin");
        script(bin.resolve("mvn"), "echo mvn >> '" + calls + "'\necho 'compilation failure'\nexit 1\n");
        ProcessResult first = run();
        assertThat(first.code).isEqualTo(1);
        assertThat(first.err).contains("compilation failure", "build failed");
        script(bin.resolve("mvn"), "echo mvn >> '" + calls + "'\n"
                + "mkdir -p '" + root + "/app/target/lib' && touch '" + root + "/app/target/lamina-app.jar'\n");
        assertThat(launch()).containsExactly("mvn", "mvn", "java");
    }

    private List<String> launch() throws Exception {
        ProcessResult r = run();
        assertThat(r.code).as(r.err).isZero();
        return Files.readAllLines(calls);
    }

    private record ProcessResult(int code, String err) {
    }

    private ProcessResult run() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("lamina").toString(), "--version");
        pb.environment().put("PATH", root.resolve("fakebin") + ":/usr/bin:/bin");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(p.exitValue(), err);
    }

    /** File times have a coarse resolution on some file systems: make "newer" unambiguous. */
    private static void touchInTheFuture(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
            Files.createDirectories(path);
        }
        setTime(path, Instant.now().plusSeconds(5));
    }

    private static void setTime(Path path, Instant time) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(time));
    }

    private static void write(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private static void script(Path path, String body) throws IOException {
        write(path, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
