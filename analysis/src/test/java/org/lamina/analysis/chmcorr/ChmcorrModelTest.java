package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gallery index cache and the classifier on the real sample models (small galleries). */
class ChmcorrModelTest {

    @Test
    void galleryIndexIsCachedAtomicallyAndRebuiltWhenCorrupt(@TempDir Path dir) throws Exception {
        try (ProbeableModel m = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            SpatialFeatures f = new SpatialFeatures(m, null);
            assertThat(f.point().name()).isEqualTo("relu2");
            assertThat(f.grid()).isEqualTo(14);
            Dataset train = SampleData.open("sample:fashion-train", m.manifest().input().shape());
            GalleryIndexCache cache = new GalleryIndexCache(dir);
            GalleryIndex built = cache.loadOrBuild(f, train, 64, ProgressSink.none());
            Path entry = cache.entryFor(f, train, 64);
            // The entry is a feature store (issue #20): its manifest, and the rows any store reader sees.
            assertThat(entry.resolve("_manifest.json")).exists();
            assertThat(entry.getFileName().toString()).contains(m.weightsSha256().substring(0, 16)).contains("fashion-train");
            org.lamina.analysis.featurestore.FeatureStore store = org.lamina.analysis.featurestore.FeatureStore.open(entry);
            assertThat(store.manifest().data().identity()).isEqualTo(train.contentIdentity());
            assertThat(store.manifest().points().get(0).name()).isEqualTo("relu2");
            assertThat(store.count("label = " + built.labels()[0])).isPositive();
            assertThat(store.readAll().values().get(0)).containsExactly(built.features());
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.filter(p -> p.getFileName().toString().contains(".tmp-"))).isEmpty();
            }
            GalleryIndex again = cache.loadOrBuild(f, train, 64, ProgressSink.none());
            assertThat(again.features()).containsExactly(built.features());
            assertThat(again.labels()).containsExactly(built.labels());
            // Pooled gallery features are the spatial means of the same feature grids a query uses.
            FeatureGrid g5 = f.ofItems(train, new int[] {5})[0];
            Shortlist self = CosineKnn.shortlist(built, g5.pooled(), 3);
            assertThat(self.galleryIndices()[0]).isEqualTo(5);
            assertThat(self.similarity()[0]).isGreaterThan(0.9999f);
            // A truncated part (a disk error, a hand edit) is a warning and a rebuild, not trusted.
            Path part = store.directory().resolve(store.manifest().parts().get(0).file());
            Files.write(part, java.util.Arrays.copyOf(Files.readAllBytes(part), 100));
            java.util.List<String> warned = new java.util.ArrayList<>();
            assertThat(new GalleryIndexCache(dir, warned::add).loadOrBuild(f, train, 64, ProgressSink.none()).features())
                    .containsExactly(built.features());
            assertThat(warned).singleElement().asString().contains("rebuilding").contains(entry.toString());
            // … and the rebuilt entry replaced the damaged one.
            assertThat(GalleryIndexCache.read(entry, GalleryIndexCache.key(f, train, 64)).features())
                    .containsExactly(built.features());

            // A query decided end to end; re-deciding with an empty map gives the same decision, no network needed.
            ChmcorrClassifier c = new ChmcorrClassifier(f, built, train, new ChmcorrParameters(20, 5, 0.55, "mnn", 5, 5));
            Dataset test = SampleData.open("sample:fashion-test", m.manifest().input().shape());
            float[] x = ImageInput.normalise(test.sample(0).clone(), 1, m.manifest().input().mean(), m.manifest().input().std());
            QueryEvidence ev = c.query(x);
            assertThat(ev.shortlist().size()).isEqualTo(20);
            Decision d = ev.decide();
            assertThat(ev.decide(new float[14 * 14]).ranking()).containsExactly(d.ranking());
            assertThat(d.confidence()).isEqualTo((double) d.votes() / d.k());
        }
    }

    @Test
    void galleryOfAnotherModelIsRefusedWithBothDimensions(@TempDir Path dir) {
        try (ProbeableModel tiny = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
             ProbeableModel fashion = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            Dataset train = SampleData.open("sample:fashion-train", tiny.manifest().input().shape());
            GalleryIndex tinyIndex = new GalleryIndexCache(dir).loadOrBuild(new SpatialFeatures(tiny, null), train, 16,
                    ProgressSink.none());
            SpatialFeatures fashionFeatures = new SpatialFeatures(fashion, null);
            assertThat(fashionFeatures.point().name()).isEqualTo("stage3");
            assertThatThrownBy(() -> new ChmcorrClassifier(fashionFeatures, tinyIndex, train, ChmcorrParameters.defaults()))
                    .isInstanceOf(ModelException.class).hasMessageContaining("16-dimensional")
                    .hasMessageContaining("gives 128").hasMessageContaining("rebuild the gallery index");
            assertThatThrownBy(() -> new SpatialFeatures(fashion, "gap")).hasMessageContaining("square spatial map");
        }
    }
}
