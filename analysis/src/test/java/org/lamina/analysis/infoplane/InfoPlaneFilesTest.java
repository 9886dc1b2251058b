package org.lamina.analysis.infoplane;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.data.InformationBottleneckData;
import org.lamina.analysis.model.ModelRuntime;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** infoplane.json, activations-final.npz (read back by DJL), CSVs and figures. */
class InfoPlaneFilesTest {

    @TempDir
    static Path dir;
    static InfoPlaneResult result;

    @BeforeAll
    static void run() throws Exception {
        InfoPlaneParameters p = InfoPlaneParameters.defaults().withEpochs(25).withRepeats(2, 3);
        result = InfoPlaneExperiment.run(p, InfoPlaneMonitor.NONE, InfoPlaneFiles.activationWriter(dir, p));
        InfoPlaneFiles.writeAll(result, dir);
        InfoPlaneFigures.exportAll(result, dir, 72);
    }

    @Test
    void jsonHoldsTheIssueFieldsAndProvenance() throws Exception {
        JsonNode json = InfoPlaneFiles.mapper().readTree(dir.resolve("infoplane.json").toFile());
        assertThat(json.get("layers")).hasSize(6);
        assertThat(json.get("epochs").size()).isEqualTo(result.epochs().length);
        assertThat(json.get("ixt").size()).isEqualTo(result.epochs().length);
        assertThat(json.get("ixt").get(0)).hasSize(6);
        assertThat(json.get("ity").get(3).get(2).asDouble()).isEqualTo(result.ity()[3][2]);
        assertThat(json.get("estimator").asText()).isEqualTo("binning");
        assertThat(json.get("estimatorParameters").get("bins").asInt()).isEqualTo(30);
        JsonNode provenance = json.get("provenance");
        assertThat(provenance.get("method").asText()).contains("information-plane");
        assertThat(provenance.get("seeds")).hasSize(2);
        assertThat(provenance.get("timestamp").asText()).isNotBlank();
        assertThat(provenance.get("parameters").get("widths")).hasSize(7);
        assertThat(json.has("finalActivations")).isFalse();
        assertThat(json.get("entropyY").asDouble()).isCloseTo(0.99916, within(5e-6));
    }

    @Test
    void npzHoldsTheFinalActivationsOfEveryLayerAndRecomputesTheLastPoint() throws Exception {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDList list = NDList.decode(m, Files.readAllBytes(dir.resolve("activations-final.npz")));
            assertThat(list.getManager()).isNotNull();
            // the keys are the layer names of the JSON and CSVs
            assertThat(list.getResourceNDArrays()).isNotNull();
            assertThat(list.stream().map(a -> a.getName()).filter(name -> !name.equals("inputs") && !name.equals("labels")))
                    .containsExactlyElementsOf(result.layers());
            assertThat(list.get("layer1").getShape().getShape()).containsExactly(4096, 10);
            assertThat(list.get("softmax").getShape().getShape()).containsExactly(4096, 2);
            assertThat(list.get("labels").toLongArray()).hasSize(4096);
            assertThat(list.get("inputs").getShape().getShape()).containsExactly(4096, 12);
            // anyone can recompute the first run's final point from the file
            float[] t = list.get("layer4").toFloatArray();
            InformationEstimate e = BinningEstimator.byCount(30).estimate(t, 4096, 4, InformationBottleneckData.labels());
            assertThat(e.ixt()).isEqualTo(result.ixtRuns()[0][result.last()][3]);
        }
    }

    /**
     * Issue #22: every logged epoch of every run is saved as it is computed, under the JSON's layer
     * names, and the MI recomputed from a saved epoch with the Java estimator is the JSON's value.
     */
    @Test
    void everyLoggedEpochIsSavedAndRecomputesTheJsonValues() throws Exception {
        JsonNode json = InfoPlaneFiles.mapper().readTree(dir.resolve("infoplane.json").toFile());
        assertThat(json.get("provenance").get("savedActivations").asText()).contains("layer1", "softmax");
        java.util.List<String> layers = new java.util.ArrayList<>();
        json.get("layers").forEach(n -> layers.add(n.asText()));
        for (long seed : new long[] {3, 4}) {
            for (int epoch : result.epochs()) {
                assertThat(dir.resolve(InfoPlaneFiles.activationFile(seed, epoch))).isNotEmptyFile();
            }
        }
        int e = java.util.Arrays.binarySearch(result.epochs(), 10);
        assertThat(e).isPositive();
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDList list = NDList.decode(m, Files.readAllBytes(dir.resolve(InfoPlaneFiles.activationFile(4, 10))));
            assertThat(list.stream().map(a -> a.getName()).filter(name -> !name.equals("labels"))).containsExactlyElementsOf(layers);
            int[] labels = java.util.Arrays.stream(list.get("labels").toLongArray()).mapToInt(v -> (int) v).toArray();
            assertThat(labels).containsExactly(InformationBottleneckData.labels());
            for (int l = 0; l < layers.size(); l++) {
                float[] t = list.get(layers.get(l)).toFloatArray();
                int width = result.widths()[l + 1];
                InformationEstimate est = result.parameters().createEstimator().estimate(t, 4096, width, labels);
                // the second run (seed 4), epoch 10, as infoplane.json holds it
                assertThat(est.ixt()).isEqualTo(json.get("ixtRuns").get(1).get(e).get(l).asDouble());
                assertThat(est.ity()).isEqualTo(json.get("ityRuns").get(1).get(e).get(l).asDouble());
            }
        }
    }

    @Test
    void resultReadsBackFromJsonAndOverlaysWithAnother() throws Exception {
        InfoPlaneResult back = InfoPlaneFigures.read(dir.resolve("infoplane.json"));
        assertThat(back.ixt()).isDeepEqualTo(result.ixt());
        assertThat(back.parameters()).isEqualTo(result.parameters());
        assertThat(back.finalActivations()).isNull();
        InfoPlaneResult relu = InfoPlaneExperiment.run(InfoPlaneParameters.defaults().withEpochs(10)
                .withActivation(org.lamina.analysis.model.djl.Mlp.Kind.RELU).withEstimator("binsize"), InfoPlaneMonitor.NONE);
        var chart = InfoPlaneFigures.informationPlane(java.util.List.of(back, relu), java.util.List.of("tanh", "relu"));
        assertThat(chart.getXYPlot().getDatasetCount()).isEqualTo(4);
        assertThat(chart.getXYPlot().getLegendItems().getItemCount()).isEqualTo(2);
        InfoPlaneFigures.export(chart, dir, "overlay", 400, 300, 72);
        assertThat(dir.resolve("overlay.png")).isNotEmptyFile();
    }

    @Test
    void csvsAndFiguresAreWritten() throws Exception {
        assertThat(Files.readAllLines(dir.resolve("infoplane.csv")).get(0)).isEqualTo("epoch,layer,ixt_bits,ity_bits,ixt_std,ity_std");
        assertThat(Files.readAllLines(dir.resolve("infoplane.csv"))).hasSize(1 + 6 * result.epochs().length);
        assertThat(Files.readAllLines(dir.resolve("snr.csv")).get(1)).startsWith("0,layer1,");
        for (String name : new String[] {"infoplane", "mi-epochs", "snr"}) {
            for (String ext : new String[] {"png", "svg", "pdf"}) {
                assertThat(dir.resolve(name + "." + ext)).isNotEmptyFile();
            }
        }
        assertThat(Files.readString(dir.resolve("infoplane.svg"))).contains("<svg");
        try (var files = Files.list(dir)) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".tmp"));
        }
        try (var files = Files.walk(dir.resolve(InfoPlaneFiles.ACTIVATIONS_FOLDER))) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(".tmp"));
        }
    }
}
