package org.lamina.analysis.featurestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.job.ProgressSink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store format without a model: rows written in parts come back in item order, bit for bit;
 * a store is only a store once its manifest is written, and a damaged one is refused.
 */
class FeatureStoreTest {

    @TempDir
    Path temp;

    private static final List<StoreManifest.PointColumn> COLUMNS = List.of(
            new StoreManifest.PointColumn("blocks.0", new long[] {3}, "cls", 3),
            new StoreManifest.PointColumn("fc", new long[] {2, 2}, "none", 4));

    /** Items {@code items} with values drawn from a seeded generator (NaN and ±0 included once). */
    static FeatureChunk chunk(int[] items, long seed) {
        Random r = new Random(seed);
        float[] a = new float[items.length * 3];
        float[] b = new float[items.length * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() * 1e6f - 5e5f;
        }
        a[0] = -0.0f;
        b[1] = Float.MIN_VALUE;
        int[] labels = IntStream.of(items).map(i -> i % 5 == 0 ? FeatureChunk.NO_LABEL : i % 10).toArray();
        String[] sources = IntStream.of(items).mapToObj(i -> "img/" + i + ",'quoted\".png").toArray(String[]::new);
        return new FeatureChunk(items, labels, sources, new int[] {3, 4}, List.of(a, b));
    }

    private StoreManifest write(Path dir, List<FeatureChunk> chunks, boolean replace) {
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, COLUMNS, replace)) {
            for (FeatureChunk c : chunks) {
                w.write(c);
            }
            return w.commit("test", new StoreManifest.ModelInfo("m", "/m", "aa", "bb"),
                    new StoreManifest.DataInfo("ref", "d", "cc", 100, null), "cls", "cpu()", Map.of("k", "v"));
        }
    }

    @Test
    void rowsComeBackInItemOrderBitForBit() {
        FeatureChunk first = chunk(new int[] {0, 2, 3, 7}, 1);
        FeatureChunk second = chunk(new int[] {8, 11, 40}, 2);
        Path dir = temp.resolve("s");
        StoreManifest m = write(dir, List.of(first, second), false);
        assertThat(m.parts()).extracting(StoreManifest.Part::file).containsExactly("part-00000.parquet", "part-00001.parquet");
        assertThat(m.rows()).isEqualTo(7);
        FeatureStore s = FeatureStore.open(dir);
        assertThat(s.manifest().extras()).containsEntry("k", "v");
        FeatureChunk all = s.readAll();
        assertThat(all.items()).containsExactly(0, 2, 3, 7, 8, 11, 40);
        assertThat(all.labels()).containsExactly(-1, 2, 3, 7, 8, 1, -1);
        assertThat(all.sources()[6]).isEqualTo("img/40,'quoted\".png");
        for (int p = 0; p < 2; p++) {
            float[] want = concat(first.values().get(p), second.values().get(p));
            float[] got = all.values().get(p);
            assertThat(got.length).isEqualTo(want.length);
            for (int i = 0; i < want.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("point %d value %d", p, i)
                        .isEqualTo(Float.floatToRawIntBits(want[i]));
            }
        }
        // a subset, one point; and an SQL filter
        FeatureChunk some = s.readItems(List.of("fc"), new int[] {3, 11});
        assertThat(some.items()).containsExactly(3, 11);
        assertThat(some.vector(0, 1)).containsExactly(second.vector(1, 1));
        assertThat(s.select(List.of("blocks.0"), "label = 3 OR item_id > 10").items()).containsExactly(3, 11, 40);
        assertThat(s.count("label IS NULL")).isEqualTo(2);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void missingItemsAndUnknownPointsAreNamed() {
        Path dir = temp.resolve("s");
        write(dir, List.of(chunk(new int[] {1, 2, 3}, 3)), false);
        FeatureStore s = FeatureStore.open(dir);
        assertThatThrownBy(() -> s.readItems(List.of("fc"), new int[] {2, 5, 9}))
                .hasMessageContaining("lacks 2 of the 3 items").hasMessageContaining("first: 5, 9");
        assertThatThrownBy(() -> s.readItems(List.of("blocks.1"), new int[] {1}))
                .hasMessageContaining("no point 'blocks.1'").hasMessageContaining("blocks.0, fc");
        assertThatThrownBy(() -> s.select(List.of("fc"), "no_such_column = 1")).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("filter 'no_such_column = 1'");
    }

    @Test
    void aFolderWithoutManifestIsNotAStore() throws Exception {
        Path dir = temp.resolve("half");
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, COLUMNS, false)) {
            w.write(chunk(new int[] {0, 1}, 4));
            // killed here: parts on disk, no manifest
        }
        assertThat(dir.resolve("part-00000.parquet")).isNotEmptyFile();
        assertThatThrownBy(() -> FeatureStore.open(dir)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("no _manifest.json").hasMessageContaining("never finished");
        // nor may a new store be written over it unnoticed: the folder is not empty and not a store
        assertThatThrownBy(() -> FeatureStoreWriter.create(dir, COLUMNS, true)).isInstanceOf(OutputException.class)
                .hasMessageContaining("not a finished feature store");
    }

    @Test
    void aUrlIsNoFolderOfThisMachine() {
        // Path.of("hdfs://nn/stores/x") is the relative path hdfs:/nn/stores/x; no folder "hdfs:" appears.
        Path url = Path.of("hdfs://nn/stores/x");
        assertThatThrownBy(() -> FeatureStoreWriter.create(url, COLUMNS, false)).isInstanceOf(OutputException.class)
                .hasMessageContaining("a URL").hasMessageContaining("lamina-spark.jar");
        assertThat(Path.of("hdfs:")).doesNotExist();
    }

    @Test
    void aStoreIsReplacedOnlyWhenAskedAndThenCompletely() {
        Path dir = temp.resolve("s");
        write(dir, List.of(chunk(new int[] {0, 1}, 5), chunk(new int[] {2, 3}, 6)), false);
        assertThatThrownBy(() -> write(dir, List.of(chunk(new int[] {0}, 7)), false))
                .hasMessageContaining("already holds a feature store").hasMessageContaining("--overwrite");
        write(dir, List.of(chunk(new int[] {5}, 7)), true);
        assertThat(dir.resolve("part-00001.parquet")).doesNotExist();
        assertThat(FeatureStore.open(dir).readAll().items()).containsExactly(5);
    }

    @Test
    void damagedStoresAreRefused() throws Exception {
        Path dir = temp.resolve("s");
        write(dir, List.of(chunk(new int[] {0, 1}, 8), chunk(new int[] {2, 3, 4}, 9)), false);
        // a part replaced by one with other rows: the count no longer matches the manifest
        Path other = temp.resolve("o");
        write(other, List.of(chunk(new int[] {0, 1, 2, 3}, 10)), false);
        Files.copy(other.resolve("part-00000.parquet"), dir.resolve("part-00000.parquet"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> FeatureStore.open(dir).readAll())
                .hasMessageContaining("a part was changed after the store was written");
        Files.delete(dir.resolve("part-00001.parquet"));
        assertThatThrownBy(() -> FeatureStore.open(dir)).hasMessageContaining("part part-00001.parquet")
                .hasMessageContaining("missing");
        // a manifest from a newer Lamina, or one that is not ours
        Path m = other.resolve(StoreManifest.FILE);
        Files.writeString(m, Files.readString(m).replace("\"formatVersion\" : 1", "\"formatVersion\" : 9"));
        assertThatThrownBy(() -> FeatureStore.open(other)).hasMessageContaining("formatVersion 9 is newer");
        Files.writeString(m, "{\"format\": \"something-else\"}");
        assertThatThrownBy(() -> FeatureStore.open(other)).hasMessageContaining("expected 'lamina-feature-store'");
    }

    /**
     * Values reach their own rows whatever plan DuckDB picks: an {@code IN} filter is planned as a
     * join that returns rows shuffled (seen with 20 items over two parts), a range read must
     * not decode parts without wanted items, and both paths agree bit for bit with what was written.
     */
    @Test
    void valuesLandOnTheirRowsWhateverThePlan() throws Exception {
        Path dir = temp.resolve("s");
        List<FeatureChunk> chunks = new java.util.ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int from = c * 700;
            chunks.add(chunk(IntStream.range(from, from + 700).toArray(), 20 + c));
        }
        write(dir, chunks, false);
        FeatureStore s = FeatureStore.open(dir);
        int[] wanted = new Random(5).ints(300, 0, 4200).distinct().sorted().toArray();
        String in = IntStream.of(wanted).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
        FeatureChunk byFilter = s.select(List.of("fc", "blocks.0"), "item_id IN (" + in + ")");
        FeatureChunk byItems = s.readItems(List.of("fc", "blocks.0"), wanted);
        for (FeatureChunk got : List.of(byFilter, byItems)) {
            assertThat(got.items()).containsExactly(wanted);
            for (int r = 0; r < wanted.length; r++) {
                FeatureChunk source = chunks.get(wanted[r] / 700);
                int row = wanted[r] % 700;
                assertThat(bits(got.vector(0, r))).as("item %d, fc", wanted[r]).containsExactly(bits(source.vector(1, row)));
                assertThat(bits(got.vector(1, r))).as("item %d, blocks.0", wanted[r])
                        .containsExactly(bits(source.vector(0, row)));
                assertThat(got.labels()[r]).isEqualTo(source.labels()[row]);
                assertThat(got.sources()[r]).isEqualTo(source.sources()[row]);
            }
        }
        // Items of the first part only: the other parts are not even opened.
        Files.delete(dir.resolve("part-00003.parquet"));
        assertThat(s.readItems(List.of("fc"), new int[] {5, 699}).items()).containsExactly(5, 699);
        assertThatThrownBy(() -> s.readItems(List.of("fc"), new int[] {5, 2200})).isInstanceOf(FeatureStoreException.class);
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** A part rewritten (by another tool) with a vector too short, or null, is refused with the item named. */
    @Test
    void vectorsOfTheWrongLengthOrNullAreRefusedNotShifted() throws Exception {
        for (String bad : List.of("[1.5, 2.5]::FLOAT[]", "NULL::FLOAT[]", "[1, 2, 3, 4, 5]::FLOAT[]")) {
            Path dir = temp.resolve("s" + Math.abs(bad.hashCode()));
            write(dir, List.of(chunk(new int[] {0, 1, 2, 3}, 30), chunk(new int[] {4, 5}, 31)), false);
            Path part = dir.resolve("part-00000.parquet");
            Path edited = temp.resolve("edited.parquet");
            try (var db = DuckDb.open(); var st = db.createStatement()) {
                st.execute("COPY (SELECT item_id, label, source, \"blocks.0\", CASE WHEN item_id = 2 THEN " + bad
                        + " ELSE fc END AS fc FROM read_parquet('" + part + "')) TO '" + edited + "' (FORMAT parquet)");
            }
            Files.move(edited, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            FeatureStore s = FeatureStore.open(dir);
            assertThatThrownBy(s::readAll).as(bad).isInstanceOf(FeatureStoreException.class)
                    .hasMessageContaining("item 2: point fc has").hasMessageContaining("the manifest says 4");
            assertThatThrownBy(() -> s.select(List.of("fc"), "label IS NOT NULL OR label IS NULL")).as(bad)
                    .isInstanceOf(FeatureStoreException.class).hasMessageContaining("item 2: point fc has");
            // The other rows are still readable.
            assertThat(s.readItems(List.of("fc"), new int[] {1, 3, 4}).items()).containsExactly(1, 3, 4);
        }
    }

    @Test
    void chunksMustFollowEachOtherAndMatchTheColumns() {
        try (FeatureStoreWriter w = FeatureStoreWriter.create(temp.resolve("s"), COLUMNS, false)) {
            w.write(chunk(new int[] {4, 5}, 11));
            assertThatThrownBy(() -> w.write(chunk(new int[] {5, 6}, 12))).hasMessageContaining("not after the previous");
            FeatureChunk narrow = new FeatureChunk(new int[] {9}, new int[] {0}, new String[] {"x"}, new int[] {2, 4},
                    List.of(new float[2], new float[4]));
            assertThatThrownBy(() -> w.write(narrow)).hasMessageContaining("point blocks.0: chunk vectors of length 2");
        }
    }

    /**
     * Parts are written on a background thread while the next chunk is computed: a failed write
     * still stops the extraction with its own error, parts stay in item order, and computing
     * never runs more than one part ahead of writing.
     */
    @Test
    void backgroundWritesKeepOrderAndReportTheirFailure() {
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        List<Integer> firsts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ChunkSource source = (items, progress) -> {
            assertThat(computed.getAndIncrement() - written.get()).as("chunks computed ahead of writing").isLessThanOrEqualTo(1);
            return chunk(items, items[0]);
        };
        PartSink slow = c -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            firsts.add(c.items()[0]);
            written.incrementAndGet();
        };
        StoreExtraction.run(source, IntStream.range(0, 20).toArray(), 3, slow, ProgressSink.none());
        assertThat(firsts).containsExactly(0, 3, 6, 9, 12, 15, 18);

        PartSink failing = c -> {
            if (c.items()[0] == 6) {
                throw new FeatureStoreException("disk full at part 2");
            }
        };
        assertThatThrownBy(() -> StoreExtraction.run((items, p) -> chunk(items, items[0]), IntStream.range(0, 20).toArray(), 3, failing,
                ProgressSink.none())).isInstanceOf(FeatureStoreException.class).hasMessage("disk full at part 2");
    }

    /** Automatic part sizes: narrow rows fill the largest parts, wide ones aim at 8 MiB of values. */
    @Test
    void automaticPartRowsFollowTheRowWidth() {
        assertThat(StoreExtraction.partRows(0, COLUMNS)).isEqualTo(StoreExtraction.MAX_PART_ROWS);
        List<StoreManifest.PointColumn> wide = List.of(new StoreManifest.PointColumn("map", new long[] {128, 7, 7}, "none",
                6272));
        assertThat(StoreExtraction.partRows(0, wide)).isEqualTo((8 << 20) / (4 * 6272));
        List<StoreManifest.PointColumn> huge = List.of(new StoreManifest.PointColumn("map", new long[] {100352}, "none",
                100352));
        assertThat(StoreExtraction.partRows(0, huge)).isEqualTo(StoreExtraction.MIN_AUTO_PART_ROWS);
        assertThat(StoreExtraction.partRows(50, huge)).isEqualTo(50);
        assertThatThrownBy(() -> StoreExtraction.partRows(-1, COLUMNS)).hasMessageContaining("--part-rows");
    }

    @Test
    void extractionWritesOnePartPerChunkAndCountsItems() {
        long[] advanced = {0};
        ProgressSink counting = new ProgressSink() {
            @Override
            public void begin(long total) {
                assertThat(total).isEqualTo(10);
            }

            @Override
            public void advance(long units) {
                advanced[0] += units;
            }

            @Override
            public void message(String text) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        ChunkSource source = (items, progress) -> {
            progress.begin(3);
            progress.advance(1);
            progress.advance(2);
            return chunk(items, items[0]);
        };
        Path dir = temp.resolve("s");
        int[] items = IntStream.range(0, 10).map(i -> 3 * i).toArray();
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, COLUMNS, false)) {
            StoreExtraction.run(source, items, 4, w, counting);
            w.commit("t", new StoreManifest.ModelInfo("m", "/m", "a", "b"), new StoreManifest.DataInfo("r", "d", "c", 30,
                    null), "cls", "cpu()", null);
        }
        assertThat(advanced[0]).isEqualTo(10);
        StoreManifest m = FeatureStore.open(dir).manifest();
        assertThat(m.parts()).extracting(StoreManifest.Part::rows).containsExactly(4L, 4L, 2L);
        assertThat(m.parts()).extracting(StoreManifest.Part::firstItem).containsExactly(0L, 12L, 24L);
        assertThat(FeatureStore.open(dir).readAll().items()).containsExactly(items);
    }
}
