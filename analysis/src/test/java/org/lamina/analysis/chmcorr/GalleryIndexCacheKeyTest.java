package org.lamina.analysis.chmcorr;

import ai.djl.Device;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.data.ImageFolderDataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gallery index cache is keyed by what the features were computed from: a cached entry is
 * used only for the same weights, manifest, point and data content; anything else is a miss,
 * whose index equals one built without the cache.
 */
class GalleryIndexCacheKeyTest {

    private static ProbeableModel tiny;

    @TempDir
    Path temp;

    @BeforeAll
    static void open() {
        tiny = ModelLoader.open(ModelLocator.resolve("sample:tiny-cnn"), Device.cpu());
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    /** {@code parent/gallery/<class>/<i>.png}: 28×28 grey noise from {@code seed}, {@code perClass} per class. */
    private static Path imageFolder(Path parent, long seed, int perClass) throws IOException {
        Path root = parent.resolve("gallery");
        Random r = new Random(seed);
        for (String c : List.of("bag", "coat")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                writePng(root.resolve(c).resolve(i + ".png"), r);
            }
        }
        return root;
    }

    private static void writePng(Path file, Random r) throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = r.nextInt(256);
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static long entries(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("_manifest.json"))).count();
        }
    }

    private static GalleryIndex fresh(SpatialFeatures f, Dataset data, int size) {
        return GalleryIndexCache.build(f, data, size, ProgressSink.none());
    }

    /**
     * A writer killed before its rename leaves a temporary folder (a gallery store: gigabytes on
     * ImageNet); the next write removes it, but not a folder a live process is still writing.
     */
    @Test
    void abandonedTemporaryEntriesAreSweptLiveOnesKept() throws IOException {
        Path cache = temp.resolve("sweep");
        Process dead = new ProcessBuilder("true").start();
        try {
            dead.waitFor();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        Path abandoned = Files.createDirectories(cache.resolve("abc.tmp-" + dead.pid() + "-17"));
        Files.writeString(abandoned.resolve("part-00000.parquet"), "half a part");
        Path live = Files.createDirectories(cache.resolve("def.tmp-" + ProcessHandle.current().pid() + "-18"));
        Path entry = Files.createDirectories(cache.resolve("ghi"));
        Path odd = Files.createDirectories(cache.resolve("x.tmp-notapid"));
        GalleryIndexCache.sweepAbandoned(cache);
        assertThat(abandoned).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(entry).isDirectory();
        assertThat(odd).isDirectory();
    }

    @Test
    void galleriesWithTheSameNameAndSizeAreTwoEntries() throws IOException {
        Path cache = temp.resolve("cache");
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        Dataset a = ImageFolderDataset.read(imageFolder(temp.resolve("a"), 1, 4), 1, 28, 28, List.of("bag", "coat"), null);
        Dataset b = ImageFolderDataset.read(imageFolder(temp.resolve("b"), 2, 4), 1, 28, 28, List.of("bag", "coat"), null);
        assertThat(a.name()).isEqualTo(b.name());
        assertThat(a.size()).isEqualTo(b.size());

        GalleryIndex ia = new GalleryIndexCache(cache).loadOrBuild(f, a, a.size(), ProgressSink.none());
        GalleryIndex ib = new GalleryIndexCache(cache).loadOrBuild(f, b, b.size(), ProgressSink.none());

        assertThat(ib.features()).containsExactly(fresh(f, b, b.size()).features());
        assertThat(ib.features()).isNotEqualTo(ia.features());
        assertThat(entries(cache)).isEqualTo(2);
        // Each is still a hit for itself.
        assertThat(new GalleryIndexCache(cache).loadOrBuild(f, a, a.size(), ProgressSink.none()).features())
                .containsExactly(ia.features());
    }

    @Test
    void imageEditedInPlaceIsAMiss() throws IOException {
        Path cache = temp.resolve("cache");
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        Path root = imageFolder(temp, 3, 3);
        Dataset before = ImageFolderDataset.read(root, 1, 28, 28, List.of("bag", "coat"), null);
        GalleryIndex old = new GalleryIndexCache(cache).loadOrBuild(f, before, before.size(), ProgressSink.none());

        Path edited = root.resolve("coat").resolve("1.png");
        FileTime was = Files.getLastModifiedTime(edited);
        writePng(edited, new Random(99));
        Files.setLastModifiedTime(edited, FileTime.fromMillis(was.toMillis() + 5_000));
        Dataset after = ImageFolderDataset.read(root, 1, 28, 28, List.of("bag", "coat"), null);

        GalleryIndex now = new GalleryIndexCache(cache).loadOrBuild(f, after, after.size(), ProgressSink.none());
        assertThat(now.features()).containsExactly(fresh(f, after, after.size()).features());
        assertThat(now.features()).isNotEqualTo(old.features());
    }

    @Test
    void imageEditedInPlaceWithItsSizeAndTimeRestoredIsAMiss() throws IOException {
        Path cache = temp.resolve("cache");
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        Path root = imageFolder(temp, 4, 3);
        Path edited = root.resolve("bag").resolve("2.png");
        writeFlatPng(edited, 40);
        Dataset before = ImageFolderDataset.read(root, 1, 28, 28, List.of("bag", "coat"), null);
        GalleryIndex old = new GalleryIndexCache(cache).loadOrBuild(f, before, before.size(), ProgressSink.none());

        long size = Files.size(edited);
        FileTime was = Files.getLastModifiedTime(edited);
        writeFlatPng(edited, 200);
        Files.setLastModifiedTime(edited, was);
        assertThat(Files.size(edited)).isEqualTo(size);
        Dataset after = ImageFolderDataset.read(root, 1, 28, 28, List.of("bag", "coat"), null);

        GalleryIndex now = new GalleryIndexCache(cache).loadOrBuild(f, after, after.size(), ProgressSink.none());
        assertThat(now.features()).containsExactly(fresh(f, after, after.size()).features());
        assertThat(now.features()).isNotEqualTo(old.features());
    }

    /** A 28×28 image of one grey value: PNGs of different values have the same size. */
    private static void writeFlatPng(Path file, int value) throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                img.setRGB(x, y, (value << 16) | (value << 8) | value);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void idxFileEditedInPlaceWithTheSameSizeIsAMiss() throws IOException {
        Path cache = temp.resolve("cache");
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        Path images = temp.resolve("set-images-idx3-ubyte");
        Path labels = temp.resolve("set-labels-idx1-ubyte");
        writeIdx(images, 0x803, new int[] {6, 28, 28}, new Random(5));
        writeIdx(labels, 0x801, new int[] {6}, null);
        List<String> classes = List.of("zero", "one");
        Dataset before = DatasetReference.open(images.toString(), new long[] {1, 28, 28}, classes);
        GalleryIndex old = new GalleryIndexCache(cache).loadOrBuild(f, before, 6, ProgressSink.none());

        long size = Files.size(images);
        writeIdx(images, 0x803, new int[] {6, 28, 28}, new Random(6));
        assertThat(Files.size(images)).isEqualTo(size);
        Dataset after = DatasetReference.open(images.toString(), new long[] {1, 28, 28}, classes);
        assertThat(after.name()).isEqualTo(before.name());

        GalleryIndex now = new GalleryIndexCache(cache).loadOrBuild(f, after, 6, ProgressSink.none());
        assertThat(now.features()).containsExactly(fresh(f, after, 6).features());
        assertThat(now.features()).isNotEqualTo(old.features());
    }

    private static void writeIdx(Path file, int magic, int[] dims, Random values) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(magic);
            int n = 1;
            for (int d : dims) {
                out.writeInt(d);
                n *= d;
            }
            for (int i = 0; i < n; i++) {
                out.writeByte(values == null ? i % 2 : values.nextInt(256));
            }
        }
    }

    @Test
    void changedManifestFieldIsAMiss() throws IOException {
        Path cache = temp.resolve("cache");
        Path model = temp.resolve("tiny-cnn");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(ModelLocator.resolve("sample:tiny-cnn"))) {
            for (Path p : files.toList()) {
                Files.copy(p, model.resolve(p.getFileName()));
            }
        }
        Dataset train = SampleData.open("sample:fashion-train", new long[] {1, 28, 28});
        GalleryIndex old;
        try (ProbeableModel m = ModelLoader.open(model, Device.cpu())) {
            old = new GalleryIndexCache(cache).loadOrBuild(new SpatialFeatures(m, null), train, 16, ProgressSink.none());
        }
        String json = Files.readString(model.resolve("model.json"));
        String changed = json.replaceFirst("\"std\"\\s*:\\s*\\[\\s*[0-9.]+", "\"std\": [0.9");
        assertThat(changed).isNotEqualTo(json);
        Files.writeString(model.resolve("model.json"), changed);
        try (ProbeableModel m = ModelLoader.open(model, Device.cpu())) {
            SpatialFeatures f = new SpatialFeatures(m, null);
            GalleryIndex now = new GalleryIndexCache(cache).loadOrBuild(f, train, 16, ProgressSink.none());
            assertThat(now.features()).containsExactly(fresh(f, train, 16).features());
            assertThat(now.features()).isNotEqualTo(old.features());
        }
    }

    @Test
    void unwritableCacheIsAWarningAndTheRunGoesOn() throws IOException {
        // Tests run as root, so a read-only folder would still be writable: a folder under a
        // regular file can never be created, by anyone.
        Path file = temp.resolve("file.txt");
        Files.writeString(file, "not a folder");
        Path cache = file.resolve("sub");
        SpatialFeatures f = new SpatialFeatures(tiny, null);
        Dataset train = SampleData.open("sample:fashion-train", new long[] {1, 28, 28});
        List<String> warnings = new ArrayList<>();

        GalleryIndex index = new GalleryIndexCache(cache, warnings::add).loadOrBuild(f, train, 16, ProgressSink.none());

        assertThat(index.features()).containsExactly(fresh(f, train, 16).features());
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("gallery index").contains(cache.toString()).contains("goes on");
        assertThat(Files.readString(file)).isEqualTo("not a folder");
    }
}
