package org.lamina.distributed;

import ai.djl.Device;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.lamina.analysis.conceptdepth.FeatureExtractor;
import org.lamina.analysis.conceptdepth.PooledFeatureStore;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageListDataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.PartWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #20, "On a cluster": Spark in {@code local[2]} extracts the same store as one machine —
 * same item ids and order, labels, sources and bit-identical values — over a list of fashion-test
 * images written as PNG files; and a store reads back the same through DuckDB and through Spark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkExtractionTest {

    /** Enough items for three partitions of several chunks each, few enough for CI. */
    private static final int ITEMS = 300;
    /** Items per chunk and part, on both sides; 300 = 6 chunks. */
    private static final int PART_ROWS = 50;

    private Path tmp;
    private SparkSession spark;
    private Path list;
    private Path single;
    private Path distributed;
    private StoreManifest singleManifest;
    private StoreManifest sparkManifest;
    /** The store written through Hadoop's file systems ({@code testfs:}) from a {@code testfs:} list. */
    private Path viaHadoop;
    private StoreManifest hadoopManifest;
    private List<String> hadoopRenames;

    @BeforeAll
    void extractBothWays(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        ModelRuntime.goOffline();
        list = writeImageList(tmp.resolve("images"), ITEMS);
        single = tmp.resolve("single");
        distributed = tmp.resolve("spark");

        try (ProbeableModel m = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            Dataset d = SampleData.open(list.toString(), m.manifest().input(), m.manifest().labels(), null);
            assertThat(d).isInstanceOf(ImageListDataset.class);
            List<String> points = FeatureExtractor.resolvePoints(m.manifest(), "layers");
            String reduce = PooledFeatureStore.defaultReduction(m.manifest(), points);
            TokenPooling pooling = PooledFeatureStore.pooling(reduce, m.manifest(), points);
            try (FeatureStoreWriter w = FeatureStoreWriter.create(single,
                    PooledFeatureStore.columns(m.manifest(), points, pooling), false)) {
                StoreExtraction.run(PooledFeatureStore.source(m, d, points, pooling),
                        IntStream.range(0, d.size()).toArray(), PART_ROWS, w, ProgressSink.none());
                singleManifest = w.commit("test", PooledFeatureStore.modelInfo(m), new StoreManifest.DataInfo(
                        list.toString(), d.name(), d.contentIdentity(), d.size(), d.classNames()), reduce,
                        m.device().toString(), Map.of());
            }
        }

        spark = SparkSession.builder().master("local[2]").appName("lamina-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.hadoop.fs." + TestingFileSystem.SCHEME + ".impl", TestingFileSystem.class.getName())
                .getOrCreate();
        // Three partitions of two chunks each, on two task slots: three tasks, two at a time.
        sparkManifest = SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request("sample:fashion-cnn",
                list.toString(), distributed.toString(), "layers", null, 3, PART_ROWS, 0, false));

        // The same model, list and store as URLs: the model folder (copied to local disk), the list,
        // its images (relative lines, so testfs: URLs) and the store are read and written through
        // Hadoop's FileSystem API.
        Path modelFolder = tmp.resolve("models/fashion-cnn");
        Path sample = ModelLocator.resolve("sample:fashion-cnn");
        try (var files = Files.walk(sample)) {
            for (Path f : files.toList()) {
                Path to = modelFolder.resolve(sample.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        viaHadoop = tmp.resolve("via-hadoop");
        TestingFileSystem.RENAMED.clear();
        hadoopManifest = SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request(TestingFileSystem.url(modelFolder),
                TestingFileSystem.url(list), TestingFileSystem.url(viaHadoop), "layers", null, 3, PART_ROWS, 0, false));
        hadoopRenames = List.copyOf(TestingFileSystem.RENAMED);
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** fashion-test's first {@code n} images as grey PNGs, listed with their class index. */
    private static Path writeImageList(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        Dataset fashion = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        StringBuilder lines = new StringBuilder("# fashion-test, first " + n + " items\n");
        for (int i = 0; i < n; i++) {
            float[] s = fashion.sample(i);
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int k = 0; k < s.length; k++) {
                img.getRaster().setSample(k % 28, k / 28, 0, Math.round(s[k] * 255));
            }
            String name = String.format("img-%04d.png", i);
            ImageIO.write(img, "png", dir.resolve(name).toFile());
            lines.append(name).append(',').append(fashion.label(i)).append('\n');
        }
        Path file = dir.resolve("list.txt");
        Files.writeString(file, lines);
        return file;
    }

    @Test
    void sparkWritesTheSameRowsAsOneMachine() {
        FeatureChunk a = FeatureStore.open(single).readAll();
        FeatureChunk b = FeatureStore.open(distributed).readAll();

        assertThat(b.size()).isEqualTo(ITEMS);
        assertThat(b.items()).containsExactly(a.items());
        assertThat(b.items()).containsExactly(IntStream.range(0, ITEMS).toArray());
        assertThat(b.labels()).containsExactly(a.labels());
        assertThat(b.sources()).containsExactly(a.sources());
        assertThat(b.dimensions()).containsExactly(a.dimensions());
        for (int p = 0; p < a.dimensions().length; p++) {
            int point = p;
            float[] va = a.values().get(p);
            float[] vb = b.values().get(p);
            assertThat(vb).hasSameSizeAs(va);
            for (int k = 0; k < va.length; k++) {
                if (Float.floatToRawIntBits(va[k]) != Float.floatToRawIntBits(vb[k])) {
                    throw new AssertionError("point " + sparkManifest.points().get(point).name() + ", value " + k
                            + ": one machine " + va[k] + ", Spark " + vb[k]);
                }
            }
        }
        assertThat(b.labels()).doesNotContain(FeatureChunk.NO_LABEL);
    }

    @Test
    void theSparkManifestDescribesTheSameFeatures() {
        StoreManifest s = sparkManifest;
        assertThat(s.engine()).startsWith("duckdb ").contains(" on spark 3.5.").endsWith("(3 partitions)");
        assertThat(s.model()).isEqualTo(singleManifest.model());
        assertThat(s.data().identity()).isEqualTo(singleManifest.data().identity());
        assertThat(s.data().size()).isEqualTo(ITEMS);
        assertThat(s.reduce()).isEqualTo(singleManifest.reduce());
        assertThat(s.pointNames()).isEqualTo(singleManifest.pointNames());
        assertThat(s.points()).extracting(StoreManifest.PointColumn::dimension)
                .isEqualTo(singleManifest.points().stream().map(StoreManifest.PointColumn::dimension).toList());
        assertThat(s.device()).isEqualTo(Device.cpu().toString());
        // 3 partitions of 100 items, at most 50 rows a file: the single machine's six parts.
        assertThat(s.parts()).extracting(StoreManifest.Part::rows).containsExactly(50L, 50L, 50L, 50L, 50L, 50L);
        assertThat(s.parts()).extracting(StoreManifest.Part::firstItem)
                .isEqualTo(singleManifest.parts().stream().map(StoreManifest.Part::firstItem).toList());
        assertThat(s.parts().get(0).firstItem()).isZero();
        assertThat(s.parts().get(5).lastItem()).isEqualTo(ITEMS - 1);
        assertThat(s.parts()).extracting(StoreManifest.Part::file)
                .isEqualTo(singleManifest.parts().stream().map(StoreManifest.Part::file).toList());
    }

    @Test
    void sparkTasksWriteTheSingleMachinesPartsByteForByte() throws IOException {
        // The tasks write with the single machine's encoder: not only the same rows, the same files.
        for (StoreManifest.Part p : singleManifest.parts()) {
            assertThat(Files.readAllBytes(distributed.resolve(p.file()))).as(p.file())
                    .isEqualTo(Files.readAllBytes(single.resolve(p.file())));
        }
        // Nothing else in the folder: no task's hidden temporary file survives the job.
        try (var files = Files.list(distributed)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactlyElementsOf(
                    java.util.stream.Stream.concat(java.util.stream.Stream.of(StoreManifest.FILE),
                            singleManifest.parts().stream().map(StoreManifest.Part::file)).sorted().toList());
        }
    }

    @Test
    void duckDbAndSparkReadTheSameRowsFromEitherStore() {
        for (Path store : List.of(single, distributed)) {
            FeatureStore fs = FeatureStore.open(store);
            FeatureChunk duck = fs.readAll();
            String[] files = fs.manifest().parts().stream().map(p -> store.resolve(p.file()).toUri().toString())
                    .toArray(String[]::new);
            List<Row> rows = spark.read().parquet(files).orderBy(StoreManifest.ITEM_COLUMN).collectAsList();
            assertThat(rows).hasSize(duck.size());
            List<String> names = new ArrayList<>(List.of(StoreManifest.ITEM_COLUMN, StoreManifest.LABEL_COLUMN,
                    StoreManifest.SOURCE_COLUMN));
            names.addAll(fs.manifest().pointNames());
            assertThat(rows.get(0).schema().fieldNames()).containsExactlyElementsOf(names);
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                assertThat(row.getLong(0)).isEqualTo(duck.items()[r]);
                assertThat(row.isNullAt(1) ? FeatureChunk.NO_LABEL : row.getInt(1)).isEqualTo(duck.labels()[r]);
                assertThat(row.getString(2)).isEqualTo(duck.sources()[r]);
                for (int p = 0; p < duck.dimensions().length; p++) {
                    float[] fromSpark = floats(row.getList(3 + p));
                    assertThat(fromSpark).as("%s, item %d, point %s", store.getFileName(), r, names.get(3 + p))
                            .containsExactly(duck.vector(p, r));
                }
            }
        }
    }

    private static float[] floats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /**
     * The data set's identity is made by the tasks, each for its items, and joined on the driver;
     * with --max-items the driver adds the records of the items no task extracted, so the identity
     * is still the whole set's, as on one machine.
     */
    @Test
    void theIdentityJoinedFromTheTasksIsTheWholeSetsWithMaxItemsToo() {
        StoreManifest partial = SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request("sample:fashion-cnn",
                list.toString(), tmp.resolve("first-120").toString(), "layers", null, 2, PART_ROWS, 120, false));
        assertThat(partial.rows()).isEqualTo(120);
        assertThat(partial.data().size()).isEqualTo(ITEMS);
        assertThat(partial.data().identity()).isEqualTo(singleManifest.data().identity());
    }

    @Test
    void aFolderWithoutManifestIsNoStore() throws IOException {
        // What a killed job leaves: parts, no manifest.
        Path unfinished = tmp.resolve("unfinished");
        Files.createDirectories(unfinished);
        for (StoreManifest.Part p : sparkManifest.parts()) {
            Files.copy(distributed.resolve(p.file()), unfinished.resolve(p.file()));
        }
        assertThatThrownBy(() -> FeatureStore.open(unfinished)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("no _manifest.json");
        // Nor does a Spark extraction write into it: it is not empty and not a finished store.
        assertThatThrownBy(() -> SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request("sample:fashion-cnn",
                list.toString(), unfinished.toString(), "layers", null, 2, 64, 10, true)))
                .isInstanceOf(OutputException.class).hasMessageContaining("not a finished feature store");
    }

    @Test
    void aStoreWrittenThroughHadoopHoldsTheSingleMachinesPartsAndIdentity() throws IOException {
        assertThat(hadoopManifest.data().identity()).isEqualTo(singleManifest.data().identity());
        assertThat(hadoopManifest.data().reference()).startsWith(TestingFileSystem.SCHEME + ":");
        // The model, read from its URL: the same weights and model.json, its URL recorded.
        assertThat(hadoopManifest.model().weightsSha256()).isEqualTo(singleManifest.model().weightsSha256());
        assertThat(hadoopManifest.model().manifestSha256()).isEqualTo(singleManifest.model().manifestSha256());
        assertThat(hadoopManifest.model().name()).isEqualTo(singleManifest.model().name());
        assertThat(hadoopManifest.model().directory()).startsWith(TestingFileSystem.SCHEME + ":/")
                .endsWith("/models/fashion-cnn");
        assertThat(hadoopManifest.parts()).isEqualTo(singleManifest.parts());
        // The rows are the single machine's but for the source column, which names each image by
        // the URL it was read from: "item 0 (testfs:/tmp/…/img-0000.png)".
        FeatureChunk one = FeatureStore.open(single).readAll();
        FeatureChunk viaUrls = FeatureStore.open(viaHadoop).readAll();
        String[] urlSources = java.util.Arrays.stream(one.sources())
                .map(s -> s.replace("(/", "(" + TestingFileSystem.SCHEME + ":/")).toArray(String[]::new);
        assertThat(viaUrls.sources()).containsExactly(urlSources);
        assertThat(viaUrls.items()).containsExactly(one.items());
        assertThat(viaUrls.labels()).containsExactly(one.labels());
        for (int p = 0; p < one.dimensions().length; p++) {
            assertThat(viaUrls.values().get(p)).as("point %d", p).containsExactly(one.values().get(p));
        }
        // Byte for byte, each part is the file the single machine's encoder writes for those rows:
        // nothing changed on its way through Hadoop's FileSystem.
        Path reencoded = Files.createDirectories(tmp.resolve("reencoded"));
        try (PartWriter w = new PartWriter(singleManifest.points())) {
            for (StoreManifest.Part p : singleManifest.parts()) {
                int from = (int) p.firstItem();
                int to = (int) p.lastItem() + 1;
                List<float[]> values = new ArrayList<>();
                for (int k = 0; k < one.dimensions().length; k++) {
                    int d = one.dimensions()[k];
                    values.add(java.util.Arrays.copyOfRange(one.values().get(k), from * d, to * d));
                }
                w.write(new FeatureChunk(java.util.Arrays.copyOfRange(one.items(), from, to),
                        java.util.Arrays.copyOfRange(one.labels(), from, to),
                        java.util.Arrays.copyOfRange(urlSources, from, to), one.dimensions(), values),
                        reencoded.resolve(p.file()));
                assertThat(Files.readAllBytes(viaHadoop.resolve(p.file()))).as(p.file())
                        .isEqualTo(Files.readAllBytes(reencoded.resolve(p.file())));
            }
        }
        // No temporary file, no checksum file: the parts and the manifest only.
        try (var files = Files.list(viaHadoop)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactlyElementsOf(
                    java.util.stream.Stream.concat(java.util.stream.Stream.of(StoreManifest.FILE),
                            singleManifest.parts().stream().map(StoreManifest.Part::file)).sorted().toList());
        }
        assertThat(FeatureStore.open(viaHadoop).manifest().rows()).isEqualTo(ITEMS);
    }

    @Test
    void throughHadoopEveryPartIsInPlaceBeforeTheManifest() {
        String prefix = viaHadoop.toAbsolutePath() + "/";
        List<String> names = hadoopRenames.stream().filter(r -> r.startsWith(prefix))
                .map(r -> r.substring(prefix.length())).toList();
        // Each part was renamed into place once (no task re-ran), with its hidden identity records
        // beside it (read and removed by the driver), then the manifest, last.
        List<String> partFiles = singleManifest.parts().stream().map(StoreManifest.Part::file).toList();
        assertThat(names).hasSize(2 * partFiles.size() + 1);
        assertThat(names.get(names.size() - 1)).isEqualTo(StoreManifest.FILE);
        assertThat(names.subList(0, names.size() - 1).stream().filter(f -> !f.startsWith(".")).toList())
                .containsExactlyInAnyOrderElementsOf(partFiles);
        assertThat(names.subList(0, names.size() - 1).stream().filter(f -> f.startsWith(".")).toList())
                .containsExactlyInAnyOrderElementsOf(partFiles.stream().map(WrittenPart::identityFile).toList());
        assertThat(partFiles).allSatisfy(f -> assertThat(viaHadoop.resolve(WrittenPart.identityFile(f))).doesNotExist());
    }

    @Test
    void throughHadoopAFolderThatIsNoStoreIsRefusedAndAStoreIsKept() throws IOException {
        Path other = tmp.resolve("not-a-store");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request(
                "sample:fashion-cnn", TestingFileSystem.url(list), TestingFileSystem.url(other), "layers", null, 2,
                64, 10, true)))
                .isInstanceOf(OutputException.class).hasMessageContaining("not a finished feature store")
                .hasMessageContaining(TestingFileSystem.SCHEME + ":");
        assertThat(Files.readString(other.resolve("notes.txt"))).isEqualTo("mine");
        // A finished store is replaced only with --overwrite.
        assertThatThrownBy(() -> SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request(
                "sample:fashion-cnn", TestingFileSystem.url(list), TestingFileSystem.url(viaHadoop), "layers", null, 2,
                64, 10, false)))
                .isInstanceOf(OutputException.class).hasMessageContaining("pass --overwrite");
        assertThat(viaHadoop.resolve(StoreManifest.FILE)).isRegularFile();
    }

    @Test
    void listLinesMayBeUrlsOnSparkButNotOnOneMachine() throws IOException {
        // A local list whose lines are absolute testfs: URLs of the same images.
        Path urls = tmp.resolve("urls.lst");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            lines.add(line.startsWith("#") ? line : TestingFileSystem.url(list.resolveSibling(line)));
        }
        Files.write(urls, lines);
        try (ProbeableModel m = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU)) {
            Dataset d = ExtractionPlan.openData(m.manifest(), urls.toString(),
                    new HadoopItemStorage(spark.sparkContext().hadoopConfiguration()));
            assertThat(d.size()).isEqualTo(ITEMS);
            assertThat(((ImageListDataset) d).location(0)).startsWith(TestingFileSystem.SCHEME + ":/")
                    .endsWith("/images/img-0000.png");
            assertThat(d.contentIdentity()).isEqualTo(singleManifest.data().identity());
            assertThat(d.sample(7)).containsExactly(SampleData.open(list.toString(), m.manifest().input(),
                    m.manifest().labels(), null).sample(7));
            // lamina extract on one machine still refuses URLs, with its advice.
            assertThatThrownBy(() -> SampleData.open(urls.toString(), m.manifest().input(), m.manifest().labels(),
                    null)).hasMessageContaining("is a URL").hasMessageContaining("Mount it");
        }
    }
}
