package org.lamina.app.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lamina torch use} on Debian's libtorch, end to end: builds DJL's JNI against it (a fresh
 * cache, so the build itself is tested: ~5-10 minutes on 2 cores), then {@code inspect} reports
 * PyTorch 1.13.1, {@code evaluate} gives the accuracy the bundled 2.5.1 gives, and
 * {@code torch reset} goes back to 2.5.1.
 *
 * <p>Not in the default test run (tag {@code installed-torch}); run it with
 * {@code mvn -B test -pl app -am -Pinstalled-torch}. Needs {@code apt-get install libtorch-dev
 * python3-torch cmake g++} and DJL 0.33.0's sources: {@code -Dlamina.djlSrc=DIR|TARBALL} or
 * {@code $LAMINA_DJL_SRC}, else the tarball in {@code ../shared/third_party} next to the checkout.
 * {@code -Dlamina.test.torchCache=DIR} reuses a cache folder (and a JNI already built there).
 *
 * <p>Every step runs in its own JVM, as the launcher does: a JVM loads one libtorch, once.
 */
@Tag("installed-torch")
class InstalledTorchEndToEndTest {

    static final Path DEBIAN_TORCH = Path.of("/usr/lib/python3/dist-packages/torch");

    @TempDir
    Path tmp;

    @Test
    void debiansLibtorchRunsInspectAndEvaluateLikeTheBundledOneAndResetGoesBack() throws Exception {
        assertThat(DEBIAN_TORCH.resolve("lib/libtorch.so")).as("Debian's python3-torch (apt-get install python3-torch libtorch-dev)")
                .exists();
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Path djlSrc = djlSource(repo);
        Path cache = System.getProperty("lamina.test.torchCache") != null ? Path.of(System.getProperty("lamina.test.torchCache"))
                : tmp.resolve("cache");
        Path config = tmp.resolve("config");

        Run bundled = lamina(repo, cache, tmp.resolve("no-choice"), "evaluate", "sample:fashion-vit", "--json");
        assertThat(bundled.code).as(bundled.err).isZero();

        Run use = lamina(repo, cache, config, "torch", "use", DEBIAN_TORCH.toString(), "--djl-src", djlSrc.toString());
        assertThat(use.code).as(use.err).isZero();
        assertThat(use.out).contains("using PyTorch 1.13.1 (CPU, C++11 ABI)").contains("DJL 0.33.0 / PyTorch 1.13.1");
        assertThat(config.resolve("torch.properties")).exists();

        Run inspect = lamina(repo, cache, config, "inspect", "sample:fashion-cnn", "--json");
        assertThat(inspect.code).as(inspect.err).isZero();
        assertThat(inspect.out).contains("\"engine\" : \"DJL 0.33.0 / PyTorch 1.13.1 (installed, cpu: " + DEBIAN_TORCH + ")\"");

        Run evaluate = lamina(repo, cache, config, "evaluate", "sample:fashion-vit", "--json");
        assertThat(evaluate.code).as(evaluate.err).isZero();
        assertThat(accuracy(evaluate.out)).isEqualTo(accuracy(bundled.out)).isGreaterThan(0.8);

        Run status = lamina(repo, cache, config, "torch", "status");
        assertThat(status.out).contains("installed").contains("1.13.1").contains("cpu").contains("gpus         0");

        Run reset = lamina(repo, cache, config, "torch", "reset");
        assertThat(reset.code).isZero();
        Run after = lamina(repo, cache, config, "inspect", "sample:fashion-cnn", "--json");
        assertThat(after.out).contains("\"engine\" : \"DJL 0.33.0 / PyTorch 2.5.1\"");
    }

    private static double accuracy(String json) {
        Matcher m = Pattern.compile("\"accuracy\" : ([0-9.]+)").matcher(json);
        assertThat(m.find()).as("accuracy in " + json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static Path djlSource(Path repo) {
        String p = System.getProperty("lamina.djlSrc", System.getenv("LAMINA_DJL_SRC"));
        Path src = p != null ? Path.of(p) : repo.resolve("../shared/third_party/djl-v0.33.0-pytorch-jni-src.tar.gz").normalize();
        assertThat(src).as("DJL 0.33.0 sources: -Dlamina.djlSrc=DIR|TARBALL or LAMINA_DJL_SRC").exists();
        return src;
    }

    record Run(int code, String out, String err) {
    }

    private static Run lamina(Path repo, Path cache, Path config, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dlamina.cacheDir=" + cache, "-Dlamina.configDir=" + config, "-Dlamina.samples=" + repo.resolve("sample-models"),
                "-cp", System.getProperty("java.class.path"), "org.lamina.app.cli.LaminaCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path out = Files.createTempFile("lamina-out", ".txt");
        Path err = Files.createTempFile("lamina-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        pb.environment().remove("PYTORCH_VERSION");
        pb.environment().remove("PYTORCH_FLAVOR");
        Process proc = pb.start();
        if (!proc.waitFor(30, TimeUnit.MINUTES)) {
            proc.destroyForcibly();
            throw new AssertionError("lamina " + String.join(" ", args) + " did not finish in 30 minutes");
        }
        return new Run(proc.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
