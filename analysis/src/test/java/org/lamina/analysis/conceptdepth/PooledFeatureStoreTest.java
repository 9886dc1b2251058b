package org.lamina.analysis.conceptdepth;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue #20: a store's rows are the probes' features, and probing a store is probing the model.
 */
class PooledFeatureStoreTest {

    @TempDir
    Path temp;

    static ProbeableModel cnn;
    static Dataset fashion;

    @BeforeAll
    static void open() {
        cnn = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU);
        fashion = SampleData.open("sample:fashion-test", cnn.manifest().input(), cnn.manifest().labels(), null);
    }

    @AfterAll
    static void close() {
        cnn.close();
    }

    private static StoreManifest extract(ProbeableModel m, Dataset data, Path dir, String reduce, int[] items,
                                         int partRows) {
        List<String> points = FeatureExtractor.resolvePoints(m.manifest(), "layers");
        TokenPooling pooling = PooledFeatureStore.pooling(reduce, m.manifest(), points);
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, PooledFeatureStore.columns(m.manifest(), points, pooling),
                false)) {
            StoreExtraction.run(PooledFeatureStore.source(m, data, points, pooling), items, partRows, w,
                    ProgressSink.none());
            return w.commit("test", PooledFeatureStore.modelInfo(m), new StoreManifest.DataInfo("ref", data.name(),
                    data.contentIdentity(), data.size(), null), reduce, "cpu()", Map.of());
        }
    }

    @Test
    void storeRowsAreTheProbesFeaturesBitForBitAndProbingTheStoreIsProbingTheModel() {
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, cnn.manifest(), null);
        ProbeParameters p = ProbeParameters.defaults().withMaxSamples(60).withSplits(2, SplitMode.SEEDED);
        List<Concept> concepts = set.concepts().stream()
                .map(c -> ConceptDepthAnalysis.limit(c, p.maxSamples(), p.seed())).toList();
        int[] items = new ConceptSet(set.name(), set.source(), set.dataset(), concepts).allItems();
        // one part holds every item, so the forward batches are the probe path's own
        Path dir = temp.resolve("store");
        StoreManifest m = extract(cnn, fashion, dir, "spatial-mean", items, items.length);
        assertThat(m.points()).extracting(StoreManifest.PointColumn::reduction)
                .containsExactly("spatial-mean", "spatial-mean", "spatial-mean", "none", "none");
        FeatureStore store = FeatureStore.open(dir);
        LayerFeatures direct = FeatureExtractor.extract(cnn, fashion, items, m.pointNames(), p.extraction(),
                ProgressSink.none());
        FeatureChunk read = store.readItems(m.pointNames(), items);
        assertThat(read.items()).containsExactly(items);
        for (int i = 0; i < items.length; i++) {
            assertThat(read.labels()[i]).isEqualTo(fashion.label(items[i]));
        }
        for (int k = 0; k < m.points().size(); k++) {
            assertThat(read.values().get(k)).as(m.points().get(k).name()).containsExactly(direct.values().get(k));
        }
        ProbeResult viaModel = ConceptDepthAnalysis.run(cnn, set, p, ProgressSink.none());
        ProbeResult viaStore = ConceptDepthAnalysis.runOnStore(cnn, set, p, store, ProgressSink.none());
        assertThat(viaStore.points()).isEqualTo(viaModel.points());
        assertThat(viaStore.provenance()).containsEntry("featureStore", dir.toAbsolutePath().toString());
        for (int c = 0; c < viaModel.concepts().size(); c++) {
            assertThat(viaStore.concepts().get(c).acc()).containsExactly(viaModel.concepts().get(c).acc());
            assertThat(viaStore.concepts().get(c).selectivity()).containsExactly(viaModel.concepts().get(c).selectivity());
            assertThat(viaStore.concepts().get(c).depth()).isEqualTo(viaModel.concepts().get(c).depth());
        }
    }

    @Test
    void partsOfAnySizeHoldTheSameRows() {
        int[] items = IntStream.range(0, 150).toArray();
        extract(cnn, fashion, temp.resolve("one"), "spatial-mean", items, 150);
        StoreManifest m = extract(cnn, fashion, temp.resolve("many"), "spatial-mean", items, 64);
        assertThat(m.parts()).hasSize(3);
        FeatureChunk one = FeatureStore.open(temp.resolve("one")).readAll();
        FeatureChunk many = FeatureStore.open(temp.resolve("many")).readAll();
        assertThat(many.items()).containsExactly(one.items());
        for (int k = 0; k < one.values().size(); k++) {
            // other chunks are other forward batches: equal to float rounding, not necessarily to the bit
            float[] a = one.values().get(k);
            float[] b = many.values().get(k);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(a[i], within(1e-5f * Math.max(1, Math.abs(a[i]))));
            }
        }
    }

    @Test
    void wholeActivationsKeepTheirShape() {
        StoreManifest m = extract(cnn, fashion, temp.resolve("none"), "none", new int[] {3, 4}, 10);
        StoreManifest.PointColumn first = m.points().get(0);
        long[] shape = cnn.manifest().probePoint(first.name()).shape();
        assertThat(first.shape()).containsExactly(shape);
        assertThat(first.dimension()).isEqualTo((int) (shape[0] * shape[1] * shape[2]));
        FeatureChunk c = FeatureStore.open(temp.resolve("none")).readAll();
        assertThat(c.values().get(0)).hasSize(2 * first.dimension());
        // the probes refuse whole activations rather than probing something else than asked
        assertThatThrownBy(() -> PooledFeatureStore.features(FeatureStore.open(temp.resolve("none")), new int[] {3}))
                .isInstanceOf(FeatureStoreException.class).hasMessageContaining("--reduce none");
    }

    @Test
    void aStoreOfAnotherModelOrOtherDataIsRefused() {
        Path dir = temp.resolve("s");
        extract(cnn, fashion, dir, "spatial-mean", new int[] {0, 1, 2}, 10);
        FeatureStore store = FeatureStore.open(dir);
        try (ProbeableModel mnist = ModelLoader.open("sample:mnist-cnn", ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> PooledFeatureStore.requireMatches(store, mnist, fashion))
                    .hasMessageContaining("holds features of model 'fashion-cnn'").hasMessageContaining("not of 'mnist-cnn'");
            Dataset digits = SampleData.open("sample:mnist-test", mnist.manifest().input(), mnist.manifest().labels(), null);
            assertThatThrownBy(() -> PooledFeatureStore.requireMatches(store, cnn, digits))
                    .hasMessageContaining("holds items of data set 'sample:fashion-test'")
                    .hasMessageContaining("the item ids would name other items");
        }
        ConceptSet set = ConceptSets.open("sample:fashion-concepts", null, cnn.manifest(), null);
        assertThatThrownBy(() -> ConceptDepthAnalysis.runOnStore(cnn, set, ProbeParameters.defaults().withNoise(0.1),
                store, ProgressSink.none())).hasMessageContaining("need the model run again");
        // the store lacks most items of the concept set: named, not guessed
        assertThatThrownBy(() -> ConceptDepthAnalysis.runOnStore(cnn, set, ProbeParameters.defaults(), store,
                ProgressSink.none())).hasMessageContaining("lacks").hasMessageContaining("items asked for");
    }

    @Test
    void reductionsThatMeanNothingForTheModelAreRefused() {
        List<String> points = FeatureExtractor.resolvePoints(cnn.manifest(), "layers");
        assertThatThrownBy(() -> PooledFeatureStore.pooling("cls", cnn.manifest(), points))
                .hasMessageContaining("no chosen point of model 'fashion-cnn' has a token axis");
        assertThatThrownBy(() -> PooledFeatureStore.pooling("max", cnn.manifest(), points))
                .hasMessageContaining("--reduce must be one of last, mean, cls, spatial-mean, none");
        try (ProbeableModel lm = ModelLoader.open("sample:tiny-lm-4", ModelRuntime.DeviceChoice.CPU)) {
            List<String> lp = FeatureExtractor.resolvePoints(lm.manifest(), "layers");
            assertThatThrownBy(() -> PooledFeatureStore.pooling("none", lm.manifest(), lp))
                    .hasMessageContaining("token axis whose length varies");
            assertThatThrownBy(() -> PooledFeatureStore.pooling("cls", lm.manifest(), lp)).hasMessageContaining("BOS");
            assertThatThrownBy(() -> PooledFeatureStore.pooling("spatial-mean", lm.manifest(), lp))
                    .hasMessageContaining("no spatial axis");
            assertThat(PooledFeatureStore.defaultReduction(lm.manifest(), lp)).isEqualTo("last");
        }
    }

    @Test
    void languageModelStoresHoldTheLastTokenFeaturesOfTheTexts() {
        try (ProbeableModel lm = ModelLoader.open("sample:tiny-lm-4", ModelRuntime.DeviceChoice.CPU)) {
            ConceptSet set = ConceptSets.open("sample:lm-concepts", null, lm.manifest(), null);
            Dataset texts = set.dataset();
            int[] items = IntStream.range(0, 40).toArray();
            StoreManifest m = extract(lm, texts, temp.resolve("lm"), "last", items, 40);
            FeatureChunk read = FeatureStore.open(temp.resolve("lm")).readAll();
            LayerFeatures direct = FeatureExtractor.extract(lm, texts, items, m.pointNames(),
                    new FeatureExtractor.Options(TokenPooling.LAST, 0, Precision.FP32, 42), ProgressSink.none());
            for (int k = 0; k < m.points().size(); k++) {
                assertThat(read.values().get(k)).containsExactly(direct.values().get(k));
            }
            assertThat(read.labels()).containsOnly(FeatureChunk.NO_LABEL);
            assertThat(read.sources()[0]).isEqualTo(((TextConceptData) texts).texts().get(0));
        }
    }
}
