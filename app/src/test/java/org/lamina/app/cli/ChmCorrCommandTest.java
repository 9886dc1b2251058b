package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina chmcorr} and {@code lamina study} on tiny-cnn with a 200-image gallery. */
class ChmCorrCommandTest {

    @TempDir
    static Path dir;

    private static String[] base(String... more) {
        String[] b = {"chmcorr", "sample:tiny-cnn", "--device", "cpu", "--gallery", "sample:fashion-train", "--query-set", "sample:fashion-test", "--gallery-size", "200",
            "--n", "30", "--k", "7", "--cache", dir.resolve("cache").toString()};
        String[] out = new String[b.length + more.length];
        System.arraycopy(b, 0, out, 0, b.length);
        System.arraycopy(more, 0, out, b.length, more.length);
        return out;
    }

    @Test
    void unwritableCacheIsAWarningAndTheRunSucceeds() throws Exception {
        // Tests run as root: a folder under a regular file is unwritable for anyone.
        Path notAFolder = Files.writeString(dir.resolve("cache-is-a-file.txt"), "x");
        Path out = dir.resolve("unwritable-cache");
        CliRun.Result r = CliRun.run("chmcorr", "sample:tiny-cnn", "--device", "cpu", "--gallery", "sample:fashion-train",
                "--gallery-size", "40", "--n", "10", "--k", "5", "--cache", notAFolder.resolve("sub").toString(),
                "--query-set", "sample:fashion-test", "--query", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("chmcorr.json")).isNotEmptyFile();
        assertThat(r.err()).contains("cannot write the CHM-Corr gallery index cache").contains(notAFolder.toString());
    }

    @Test
    void writesTheJsonTheIssueNamesAndTheFigure() throws Exception {
        Path out = dir.resolve("q3");
        CliRun.Result r = CliRun.run(base("--query", "3", "--out", out.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.resolve("chmcorr.json").toFile());
        for (String key : new String[] {"prediction", "confidence", "votes", "exemplars", "ccMap", "mask", "similarity", "pairs"}) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        int g = j.get("grid").asInt();
        assertThat(g).isEqualTo(14);      // tiny-cnn's last spatial point relu2 is 16x14x14
        assertThat(j.get("exemplars")).hasSize(30);
        assertThat(j.get("similarity")).hasSize(30);
        assertThat(j.get("ccMap")).hasSize(g);
        assertThat(j.get("mask").get(0)).hasSize(g);
        double prev = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 30; i++) {
            JsonNode e = j.get("exemplars").get(i);
            assertThat(e.get("rank").asInt()).isEqualTo(i);
            assertThat(e.get("score").asDouble()).isLessThanOrEqualTo(prev);
            prev = e.get("score").asDouble();
        }
        assertThat(j.get("pairs").size()).isBetween(1, 5);
        assertThat(j.get("query").get("source").asText()).isEqualTo("sample:fashion-test");
        assertThat(j.get("provenance").get("matcher").asText()).contains("NOT CHMNet");
        assertThat(out.resolve("chmcorr.png")).exists();
        assertThat(out.resolve("chmcorr.svg")).exists();

        // The same query with a user map: scored by Σ sim·w / G², mask echoed back.
        StringBuilder csv = new StringBuilder();
        for (int row = 0; row < g; row++) {
            for (int c = 0; c < g; c++) {
                csv.append(c == 0 ? "" : ",").append(row < 3 ? "1" : "0");
            }
            csv.append('\n');
        }
        Path mask = Files.writeString(dir.resolve("top.csv"), csv);
        Path out2 = dir.resolve("q3-mask");
        CliRun.Result r2 = CliRun.run(base("--query", "3", "--mask", mask.toString(), "--matcher", "sinkhorn", "--out", out2.toString()));
        assertThat(r2.code()).as(r2.err()).isZero();
        JsonNode j2 = new ObjectMapper().readTree(out2.resolve("chmcorr.json").toFile());
        assertThat(j2.get("maskSource").asText()).isEqualTo("user");
        assertThat(j2.get("mask").get(0).get(0).asDouble()).isEqualTo(1.0);
        assertThat(j2.get("mask").get(3).get(0).asDouble()).isEqualTo(0.0);
        for (JsonNode shown : j2.get("pairs")) {
            for (JsonNode p : shown.get("pairs")) {
                assertThat(p.get("queryCell").get(0).asInt()).as("pairs come from painted rows").isLessThan(3);
            }
        }
    }

    /**
     * A session with one chmcorr entry (a user map over rows 1–2) replays through
     * {@code lamina replay} into the same explanation figure {@code lamina chmcorr --mask} writes.
     */
    @Test
    void replayRedoesARecordedDecisionWithTheUsersMap() throws Exception {
        int g = 14;
        float[] map = new float[g * g];
        StringBuilder csv = new StringBuilder();
        for (int row = 0; row < g; row++) {
            for (int c = 0; c < g; c++) {
                float w = row == 1 || row == 2 ? (c % 2 == 0 ? 1f : 0.5f) : 0f;
                map[row * g + c] = w;
                csv.append(c == 0 ? "" : ",").append(w);
            }
            csv.append('\n');
        }
        var params = org.lamina.analysis.chmcorr.ChmcorrSessionParameters.ofDataSet("sample:fashion-test", 5,
                "sample:fashion-train", 200, new org.lamina.analysis.chmcorr.ChmcorrParameters(30, 7, 0.55, "mnn", 5, 5), map);
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-cnn"),
                "sample:fashion-test", 42, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("chmcorr", "chmcorr", params.toMap(),
                                java.util.Map.of())));
        Path session = org.lamina.analysis.session.SessionFile.write(dir.resolve("chm.lamina.json"), doc);
        Path figures = dir.resolve("replayed");
        String before = System.getProperty("lamina.cacheDir");
        System.setProperty("lamina.cacheDir", dir.resolve("cache").toString());
        CliRun.Result replay;
        try {
            replay = CliRun.run("replay", session.toString(), "--out", figures.toString(), "--format", "png,csv", "--device", "cpu");
        } finally {
            if (before == null) {
                System.clearProperty("lamina.cacheDir");
            } else {
                System.setProperty("lamina.cacheDir", before);
            }
        }
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(figures.resolve("01-chmcorr-chmcorr.png")).isNotEmptyFile();
        assertThat(figures.resolve("01-chmcorr-chmcorr.csv")).isNotEmptyFile();

        Path mask = Files.writeString(dir.resolve("rows12.csv"), csv);
        Path out = dir.resolve("q5-mask");
        CliRun.Result cli = CliRun.run("chmcorr", "sample:tiny-cnn", "--device", "cpu", "--gallery", "sample:fashion-train", "--query-set", "sample:fashion-test",
                "--gallery-size", "200", "--n", "30", "--k", "7", "--cache", dir.resolve("cache").resolve("chmcorr").toString(),
                "--query", "5", "--mask", mask.toString(), "--out", out.toString());
        assertThat(cli.code()).as(cli.err()).isZero();
        java.util.List<String> again = Files.readAllLines(figures.resolve("01-chmcorr-chmcorr.csv"));
        assertThat(again).isEqualTo(Files.readAllLines(out.resolve("chmcorr.csv")));
        // the user's map is what the figure shows: query-map rows carry its weights
        assertThat(again).anyMatch(l -> l.startsWith("query-map,0,1,0,") && l.endsWith(",1.0"))
                .anyMatch(l -> l.startsWith("query-map,0,1,1,") && l.endsWith(",0.5"));
    }

    /**
     * Issue #20: a gallery read from {@code lamina extract --points relu2 --reduce none} gives the
     * decision the model gives: same prediction, votes, exemplars in the same order, same scores.
     */
    @Test
    void galleryStoreGivesTodaysDecision() throws Exception {
        Path store = dir.resolve("gallery-store");
        CliRun.Result x = CliRun.run("extract", "sample:tiny-cnn", "--device", "cpu", "--data", "sample:fashion-train",
                "--points", "relu2", "--reduce", "none", "--max-items", "200", "--part-rows", "70", "--quiet",
                "--out", store.toString());
        assertThat(x.code()).as(x.err()).isZero();
        Path viaStore = dir.resolve("via-store");
        Path viaModel = dir.resolve("via-model");
        CliRun.Result a = CliRun.run(base("--query", "5", "--gallery-store", store.toString(), "--out", viaStore.toString()));
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).contains("from feature store " + store);
        CliRun.Result b = CliRun.run(base("--query", "5", "--out", viaModel.toString()));
        assertThat(b.code()).as(b.err()).isZero();
        JsonNode ja = new ObjectMapper().readTree(viaStore.resolve("chmcorr.json").toFile());
        JsonNode jb = new ObjectMapper().readTree(viaModel.resolve("chmcorr.json").toFile());
        for (String key : new String[] {"prediction", "votes", "knnPrediction", "confidence", "ccMap", "pairs"}) {
            assertThat(ja.get(key)).as(key).isEqualTo(jb.get(key));
        }
        assertThat(ja.get("exemplars")).hasSize(30);
        for (int i = 0; i < 30; i++) {
            JsonNode ea = ja.get("exemplars").get(i);
            JsonNode eb = jb.get("exemplars").get(i);
            assertThat(ea.get("galleryIndex").asInt()).as("exemplar %d", i).isEqualTo(eb.get("galleryIndex").asInt());
            assertThat(ea.get("score").asDouble()).as("score %d", i).isCloseTo(eb.get("score").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(ja.get("provenance").get("galleryStore").asText()).isEqualTo(store.toAbsolutePath().toString());

        // A gallery larger than the store, and a pooled store, are refused with the store named.
        CliRun.Result big = CliRun.run("chmcorr", "sample:tiny-cnn", "--device", "cpu", "--gallery", "sample:fashion-train",
                "--query-set", "sample:fashion-test", "--gallery-size", "300", "--gallery-store", store.toString(),
                "--query", "5", "--out", dir.resolve("big").toString());
        assertThat(big.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(big.err()).contains(store.toString()).contains("lacks gallery item 200");
        Path pooled = dir.resolve("pooled-store");
        assertThat(CliRun.run("extract", "sample:tiny-cnn", "--device", "cpu", "--data", "sample:fashion-train",
                "--points", "relu2", "--max-items", "200", "--quiet", "--out", pooled.toString()).code()).isZero();
        CliRun.Result wrong = CliRun.run(base("--query", "5", "--gallery-store", pooled.toString(), "--out",
                dir.resolve("wrong").toString()));
        assertThat(wrong.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(wrong.err()).contains(pooled.toString()).contains("reduction is 'spatial-mean', expected 'none'")
                .contains("--points relu2 --reduce none");
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        CliRun.Result unknown = CliRun.run(base("--query", "99999", "--out", dir.resolve("x").toString()));
        assertThat(unknown.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(unknown.err()).contains("--query 99999").contains("0 … 1999");

        Path small = Files.writeString(dir.resolve("small.csv"), "1,0\n0,1\n");
        CliRun.Result grid = CliRun.run(base("--query", "1", "--mask", small.toString(), "--out", dir.resolve("y").toString()));
        assertThat(grid.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(grid.err()).contains("small.csv").contains("14x14");

        StringBuilder csv = new StringBuilder();
        for (int row = 0; row < 14; row++) {
            csv.append(row == 2 ? "2" : "0").append(",0".repeat(13)).append('\n');
        }
        Path outside = Files.writeString(dir.resolve("outside.csv"), csv);
        CliRun.Result range = CliRun.run(base("--query", "1", "--mask", outside.toString(), "--out", dir.resolve("z").toString()));
        assertThat(range.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(range.err()).contains("line 3, column 1").contains("outside [0, 1]");

        CliRun.Result matcher = CliRun.run(base("--query", "1", "--matcher", "chm", "--out", dir.resolve("w").toString()));
        assertThat(matcher.err()).contains("mnn or sinkhorn");
    }

    @Test
    void studySummaryRefusesAProtocolNamingMissingImages() throws Exception {
        Path protocol = Files.writeString(dir.resolve("protocol.json"), """
                {"format": "lamina-chmcorr-study-protocol/1", "model": "sample:tiny-cnn", "gallery": "sample:fashion-train", "gallerySize": 20000,
                 "queries": "sample:fashion-test", "conditions": ["static"], "seed": 1, "shortlist": 50, "k": 20,
                 "trials": [{"queryIndex": 5, "trueLabel": 1, "aiPrediction": 1, "aiCorrect": true},
                            {"queryIndex": 2000, "trueLabel": 1, "aiPrediction": 2, "aiCorrect": false}]}
                """);
        Path log = Files.writeString(dir.resolve("p.jsonl"), "");
        CliRun.Result r = CliRun.run("study", "summary", protocol.toString(), log.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("protocol.json").contains("trial 2 names image 2000").contains("0 … 1999");
    }
}
