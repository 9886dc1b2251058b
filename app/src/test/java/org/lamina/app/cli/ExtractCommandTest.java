package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina extract} and {@code lamina probe --features} (issue #20) as a user runs them. */
class ExtractCommandTest {

    @TempDir
    Path temp;

    @Test
    void extractWritesAStoreThatProbeReadsWithTheSameResultsAsRunningTheModel() throws Exception {
        Path store = temp.resolve("store");
        CliRun.Result e = CliRun.run("extract", "sample:fashion-cnn", "--quiet", "--part-rows", "700",
                "--out", store.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("2000 items × 5 points (spatial-mean) of sample:fashion-test", "3 parts",
                "stage1", "32 values (spatial-mean)");
        JsonNode m = new ObjectMapper().readTree(store.resolve("_manifest.json").toFile());
        assertThat(m.get("rows").asLong()).isEqualTo(2000);
        assertThat(m.get("parts")).hasSize(3);
        assertThat(m.get("model").get("weightsSha256").asText()).hasSize(64);
        assertThat(m.get("engine").asText()).startsWith("duckdb");

        Path viaModel = temp.resolve("p-model");
        Path viaStore = temp.resolve("p-store");
        CliRun.Result a = CliRun.run("probe", "sample:fashion-cnn", "--concepts", "sample:fashion-concepts", "--max-samples",
                "80", "--splits", "2", "--quiet", "--dpi", "72", "--out", viaModel.toString());
        CliRun.Result b = CliRun.run("probe", "sample:fashion-cnn", "--concepts", "sample:fashion-concepts", "--max-samples",
                "80", "--splits", "2", "--quiet", "--dpi", "72", "--features", store.toString(), "--out", viaStore.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(Files.readString(viaStore.resolve("probe.csv"))).isEqualTo(Files.readString(viaModel.resolve("probe.csv")));
        JsonNode probe = new ObjectMapper().readTree(viaStore.resolve("probe.json").toFile());
        assertThat(probe.get("provenance").get("featureStore").asText()).isEqualTo(store.toAbsolutePath().toString());

        // the store fixes points and reduction
        CliRun.Result points = CliRun.run("probe", "sample:fashion-cnn", "--concepts", "sample:fashion-concepts",
                "--points", "stage1", "--features", store.toString(), "--quiet", "--out", temp.resolve("x").toString());
        assertThat(points.code()).isEqualTo(2);
        assertThat(points.err()).contains("--points with --features");
        // another model's store
        CliRun.Result other = CliRun.run("probe", "sample:mnist-cnn", "--concepts", "sample:mnist-concepts",
                "--features", store.toString(), "--quiet", "--out", temp.resolve("y").toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("holds features of model 'fashion-cnn'", "not of 'mnist-cnn'");
    }

    @Test
    void anExistingStoreIsReplacedOnlyWithOverwriteAndAnUnfinishedOneIsNeverRead() throws Exception {
        Path store = temp.resolve("s");
        String[] args = {"extract", "sample:tiny-cnn", "--data", "sample:fashion-test", "--max-items", "30", "--quiet", "--out", store.toString()};
        assertThat(CliRun.run(args).code()).isZero();
        CliRun.Result again = CliRun.run(args);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a feature store", "--overwrite");
        CliRun.Result over = CliRun.run("extract", "sample:tiny-cnn", "--data", "sample:fashion-test", "--max-items", "10", "--overwrite", "--quiet",
                "--out", store.toString());
        assertThat(over.code()).as(over.err()).isZero();
        assertThat(new ObjectMapper().readTree(store.resolve("_manifest.json").toFile()).get("rows").asLong()).isEqualTo(10);

        // what a killed extraction leaves: parts, no manifest
        Path half = temp.resolve("half");
        Files.createDirectories(half);
        Files.copy(store.resolve("part-00000.parquet"), half.resolve("part-00000.parquet"));
        CliRun.Result probe = CliRun.run("probe", "sample:tiny-cnn", "--concepts", "sample:fashion-concepts",
                "--features", half.toString(), "--quiet", "--out", temp.resolve("p").toString());
        assertThat(probe.code()).isEqualTo(2);
        assertThat(probe.err()).contains("no _manifest.json", "never finished");
        CliRun.Result into = CliRun.run("extract", "sample:tiny-cnn", "--data", "sample:fashion-test", "--max-items", "5", "--overwrite", "--quiet",
                "--out", half.toString());
        assertThat(into.code()).isEqualTo(2);
        assertThat(into.err()).contains("not a finished feature store");
    }

    @Test
    void badOptionsAreRefusedBeforeComputing() {
        Path out = temp.resolve("o");
        CliRun.Result reduce = CliRun.run("extract", "sample:fashion-cnn", "--reduce", "cls", "--out", out.toString());
        assertThat(reduce.code()).isEqualTo(2);
        assertThat(reduce.err()).contains("--reduce cls", "no chosen point of model 'fashion-cnn' has a token axis");
        CliRun.Result rows = CliRun.run("extract", "sample:fashion-cnn", "--part-rows", "-3", "--out", out.toString());
        assertThat(rows.code()).isEqualTo(2);
        assertThat(rows.err()).contains("--part-rows must be ≥ 1, or 0 for automatic, got -3");
        assertThat(out).doesNotExist();
        CliRun.Result lm = CliRun.run("extract", "sample:tiny-lm-4", "--out", out.toString());
        assertThat(lm.code()).isEqualTo(2);
        assertThat(lm.err()).contains("needs texts");
    }

    @Test
    void languageModelTextsGoIntoAStoreOfLastTokenFeatures() throws Exception {
        Path store = temp.resolve("lm");
        CliRun.Result r = CliRun.run("extract", "sample:tiny-lm-4", "--data", "sample:lm-concepts", "--max-items", "25",
                "--quiet", "--out", store.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("25 items", "(last)", "embed", "blocks.3");
        JsonNode m = new ObjectMapper().readTree(store.resolve("_manifest.json").toFile());
        assertThat(m.get("reduce").asText()).isEqualTo("last");
        assertThat(m.get("points").get(1).get("dimension").asInt()).isEqualTo(64);
    }
}
