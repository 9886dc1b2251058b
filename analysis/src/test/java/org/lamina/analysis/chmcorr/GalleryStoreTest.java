package org.lamina.analysis.chmcorr;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ManifestDigest;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A CHM-Corr gallery read from a {@code --reduce none} feature store (issue #20) gives the index
 * and exemplar grids the model gives, and a store of anything else is refused by name.
 */
class GalleryStoreTest {

    private static final int SIZE = 48;

    private static ProbeableModel tiny;
    private static Dataset train;

    @TempDir
    static Path temp;
    private static Path store;

    @BeforeAll
    static void extract() {
        tiny = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
        train = SampleData.open("sample:fashion-train", tiny.manifest().input().shape());
        store = temp.resolve("gallery-store");
        writeWholeMaps(store, "relu2", 20);
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    /**
     * What {@code lamina extract --points P --reduce none} writes: each item's raw activation at P,
     * flattened, in parts of {@code partRows} (not a multiple of the forward batch, on purpose).
     */
    private static void writeWholeMaps(Path dir, String point, int partRows) {
        long[] shape = tiny.manifest().probePoint(point).shape();
        int per = (int) (shape[0] * shape[1] * shape[2]);
        var mf = tiny.manifest();
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir,
                List.of(new StoreManifest.PointColumn(point, shape, "none", per)), false)) {
            for (int from = 0; from < SIZE; from += partRows) {
                int to = Math.min(SIZE, from + partRows);
                float[] flat;
                try (NDManager m = NDManager.newBaseManager(tiny.device());
                     Trace t = tiny.run(m, RunRequest.fromInput(train.batch(m, from, to, mf.input().mean(),
                             mf.input().std())).capture(point).build())) {
                    flat = t.activation(point).toType(DataType.FLOAT32, false).toFloatArray();
                }
                int[] items = IntStream.range(from, to).toArray();
                w.write(new FeatureChunk(items, IntStream.of(items).map(train::label).toArray(),
                        IntStream.of(items).mapToObj(train::describeItem).toArray(String[]::new), new int[] {per},
                        List.of(flat)));
            }
            w.commit("test", new StoreManifest.ModelInfo(mf.name(), "", tiny.weightsSha256(), ManifestDigest.sha256(mf)),
                    new StoreManifest.DataInfo("sample:fashion-train", train.name(), train.contentIdentity(), train.size(),
                            train.classNames()), "none", "cpu", Map.of());
        }
    }

    @Test
    void indexAndExemplarsEqualTheModels() {
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        assertThat(f.point().name()).isEqualTo("relu2");
        GalleryStore g = GalleryStore.open(store, f, train);

        GalleryIndex fromStore = g.index(SIZE, ProgressSink.none());
        GalleryIndex fromModel = GalleryIndexCache.build(f, train, SIZE, ProgressSink.none());
        assertThat(fromStore.labels()).containsExactly(fromModel.labels());
        assertThat(fromStore.classNames()).isEqualTo(fromModel.classNames());
        float[] a = fromStore.features();
        float[] b = fromModel.features();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            // Another forward batch may round the last bit differently; nothing more.
            assertThat(a[i]).as("index value %d", i).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5f));
        }

        // Exemplars come back in the order asked for (a shortlist's order, with its gaps).
        int[] shortlist = {31, 2, 47, 0, 19};
        FeatureGrid[] stored = g.grids(shortlist);
        FeatureGrid[] run = f.ofItems(train, shortlist);
        for (int i = 0; i < shortlist.length; i++) {
            double[][] self = stored[i].cosineMatrix(run[i]);
            for (int c = 0; c < stored[i].cellCount(); c++) {
                if (run[i].norm(c) > 0) {
                    assertThat(self[c][c]).as("item %d cell %d", shortlist[i], c).isGreaterThan(0.99999);
                }
            }
            float[] ps = stored[i].pooled();
            float[] pr = run[i].pooled();
            for (int ch = 0; ch < ps.length; ch++) {
                assertThat(ps[ch]).isCloseTo(pr[ch], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }

        // Whole decisions agree: same shortlist, same ranking, same vote.
        ChmcorrParameters p = new ChmcorrParameters(10, 5, 0.55, "mnn", 5, 5);
        Dataset test = SampleData.open("sample:fashion-test", tiny.manifest().input().shape());
        FeatureGrid q = f.ofItems(test, new int[] {3})[0];
        QueryEvidence viaStore = new ChmcorrClassifier(f, fromStore, train, p, g).query(q);
        QueryEvidence viaModel = new ChmcorrClassifier(f, fromModel, train, p).query(q);
        assertThat(viaStore.shortlist().galleryIndices()).containsExactly(viaModel.shortlist().galleryIndices());
        Decision ds = viaStore.decide();
        Decision dm = viaModel.decide();
        assertThat(ds.ranking()).containsExactly(dm.ranking());
        assertThat(ds.prediction()).isEqualTo(dm.prediction());
        assertThat(ds.votes()).isEqualTo(dm.votes());
    }

    @Test
    void theIndexFromAStoreIsCachedUnderAKeyOfItsOwn() throws Exception {
        Path copy = temp.resolve("store-copy");
        writeWholeMaps(copy, "relu2", 48);
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        GalleryStore g = GalleryStore.open(copy, f, train);
        GalleryIndexCache cache = new GalleryIndexCache(temp.resolve("store-cache"));
        GalleryIndex first = cache.loadOrBuild(f, train, SIZE, g, ProgressSink.none());
        assertThat(first.features()).containsExactly(g.index(SIZE, ProgressSink.none()).features());
        assertThat(cache.entryFor(f, train, SIZE, g)).isNotEqualTo(cache.entryFor(f, train, SIZE))
                .satisfies(e -> assertThat(e.resolve("_manifest.json")).exists());
        assertThat(cache.entryFor(f, train, SIZE)).doesNotExist();
        // A hit does not read the store: its parts can be gone.
        try (var parts = java.nio.file.Files.list(copy)) {
            for (Path p : parts.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
        assertThat(cache.loadOrBuild(f, train, SIZE, g, ProgressSink.none()).features()).containsExactly(first.features());
    }

    @Test
    void aGalleryLargerThanTheStoreIsRefusedNamingTheMissingItem() {
        GalleryStore g = GalleryStore.open(store, new SpatialFeatures(tiny, null), train);
        assertThatThrownBy(() -> g.index(SIZE + 5, ProgressSink.none())).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining(store.toString()).hasMessageContaining("lacks gallery item " + SIZE)
                .hasMessageContaining("--gallery-size");
        assertThatThrownBy(() -> g.grids(new int[] {3, SIZE + 1})).hasMessageContaining("lacks gallery items " + (SIZE + 1));
    }

    @Test
    void storesOfAnythingElseAreRefusedNamingTheField() {
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        // Other data content.
        Dataset test = SampleData.open("sample:fashion-test", tiny.manifest().input().shape());
        assertThatThrownBy(() -> GalleryStore.open(store, f, test)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining(store.toString()).hasMessageContaining("data.identity")
                .hasMessageContaining(test.name());
        // Another point than the feature grid's.
        assertThatThrownBy(() -> GalleryStore.open(store, new SpatialFeatures(tiny, "pool1"), train))
                .hasMessageContaining("points has no 'pool1'").hasMessageContaining("--points pool1 --reduce none");
        // Another model.
        try (ProbeableModel fashion = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            assertThatThrownBy(() -> GalleryStore.open(store, new SpatialFeatures(fashion, null), train))
                    .hasMessageContaining("model.weightsSha256").hasMessageContaining("fashion-cnn");
        }
        // A pooled store (the gallery cache's own entries are ones): CHM-Corr needs whole maps.
        GalleryIndexCache cache = new GalleryIndexCache(temp.resolve("cache"));
        cache.loadOrBuild(f, train, 8, ProgressSink.none());
        Path pooled = cache.entryFor(f, train, 8);
        assertThatThrownBy(() -> GalleryStore.open(pooled, f, train))
                .hasMessageContaining("points['relu2'].reduction is 'spatial-mean', expected 'none'");
        // A folder that is not a finished store.
        assertThatThrownBy(() -> GalleryStore.open(temp.resolve("nothing"), f, train)).hasMessageContaining("nothing");
    }
}
