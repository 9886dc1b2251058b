package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina infoplane}: files written, bad input reported in one line with exit code 2. */
class InfoPlaneCommandTest {

    @TempDir
    Path temp;

    private static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void writesJsonNpzFiguresAndCsvs() throws Exception {
        Path dir = temp.resolve("ip");
        CliRun.Result r = run("infoplane", "--epochs", "30", "--split", "contiguous", "--activation", "relu", "--estimator", "binsize",
                "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("softmax", "compression");
        assertThat(r.err()).contains("infoplane [", "100%");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("infoplane.json").toFile());
        assertThat(json.get("estimator").asText()).isEqualTo("binsize");
        assertThat(json.get("parameters").get("activation").asText()).isEqualTo("RELU");
        for (String f : new String[] {"activations-final.npz", "infoplane.png", "infoplane.svg", "infoplane.pdf",
            "snr.png", "snr.svg", "snr.pdf", "mi-epochs.png", "infoplane.csv", "snr.csv", "training.csv"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
    }

    @Test
    void badInputGetsOneClearLine() {
        String out = temp.toString();
        assertThat(run("infoplane", "--net", "mlp:10,5,2", "--out", out)).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("must start at 12");
        });
        assertThat(run("infoplane", "--bins", "1", "--out", out).err()).contains("bins must be at least 2");
        assertThat(run("infoplane", "--noise-var", "0", "--out", out).err()).contains("noise variance must be positive");
        assertThat(run("infoplane", "--epochs", "0", "--out", out).err()).contains("epochs must be 1");
        assertThat(run("infoplane", "--estimator", "mine", "--out", out).err()).contains("binning, binsize, kde or ksg");
        assertThat(run("infoplane", "--net", "mlp:12,x,2", "--out", out).err()).contains("integer widths");
        assertThat(run("infoplane", "--data", "sample:fashion", "--out", out).err()).contains("not available yet");
    }
}
