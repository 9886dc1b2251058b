package org.lamina.app.cli;

import org.lamina.analysis.model.ModelRuntime;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --device gpu} on a machine whose engine sees no GPU is a clear error, not a silent CPU
 * run (issue #17 §2): exit code 2, one line that says what was asked for, why it cannot be had
 * and the two ways to get a GPU engine. On a machine with a GPU these tests do not apply.
 */
class DeviceOptionCliTest {

    @TempDir
    Path out;

    @BeforeAll
    static void onlyWithoutAGpu() {
        assumeTrue(ModelRuntime.engine().getGpuCount() == 0, "the engine sees a GPU here");
    }

    @Test
    void gpuWithoutAGpuIsRefusedByEveryKindOfCommand() throws Exception {
        for (List<String> args : List.of(
                List.of("inspect", "sample:tiny-cnn", "--device", "gpu"),
                List.of("evaluate", "sample:fashion-cnn", "--device", "gpu", "--json"),
                List.of("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--class", "Bag", "--images", "1",
                        "--steps", "2", "--device", "gpu", "--quiet", "--out", out.toString()))) {
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.code()).as(args + ": " + r.err()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
            assertThat(r.err()).as(args.get(0))
                    .contains("--device gpu was asked for, but the PyTorch engine sees no GPU")
                    .contains("-Pcuda").contains("lamina torch use PATH");
            assertThat(r.out()).as(args.get(0) + " printed results").isEmpty();
        }
        try (var left = Files.list(out)) {
            assertThat(left).as("files written by the refused neuronpath run").isEmpty();
        }
    }

    @Test
    void anUnknownDeviceNamesTheChoices() {
        CliRun.Result r = CliRun.run("inspect", "sample:tiny-cnn", "--device", "tpu");
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("device must be auto, cpu or gpu, got 'tpu'");
    }

    @Test
    void cpuAndAutoRunOnTheCpu() {
        for (String device : List.of("cpu", "auto")) {
            CliRun.Result r = CliRun.run("inspect", "sample:tiny-cnn", "--device", device);
            assertThat(r.code()).as(device + ": " + r.err()).isZero();
            assertThat(r.out()).as(device).containsIgnoringCase("cpu");
        }
    }
}
