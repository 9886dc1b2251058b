package org.lamina.analysis.featurestore;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workbench's view of a store: manifest summary and SQL-filtered rows (issue #20). */
class StoreOverviewTest {

    @TempDir
    static Path temp;
    private static Path dir;

    /** 30 items 0, 2, 4, … in two parts; label = item mod 3; point "p.x" = [item, −item]. */
    @BeforeAll
    static void write() {
        dir = temp.resolve("store");
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir,
                List.of(new StoreManifest.PointColumn("p.x", new long[] {2}, "spatial-mean", 2)), false)) {
            for (int part = 0; part < 2; part++) {
                int[] items = IntStream.range(part * 15, part * 15 + 15).map(i -> 2 * i).toArray();
                float[] v = new float[items.length * 2];
                for (int i = 0; i < items.length; i++) {
                    v[2 * i] = items[i];
                    v[2 * i + 1] = -items[i];
                }
                w.write(new FeatureChunk(items, IntStream.of(items).map(i -> i % 3).toArray(),
                        IntStream.of(items).mapToObj(i -> "file#" + i).toArray(String[]::new), new int[] {2}, List.of(v)));
            }
            w.commit("Lamina test", new StoreManifest.ModelInfo("m", "", "ab".repeat(32), "cd".repeat(32)),
                    new StoreManifest.DataInfo("sample:x", "x", "id", 100, List.of("a", "b", "c")), "spatial-mean", "cpu",
                    Map.of());
        }
    }

    @Test
    void summaryNamesModelDataPointsAndRows() {
        List<String> s = StoreOverview.open(dir).summary();
        assertThat(s.get(0)).isEqualTo("model m (weights abababababab…)");
        assertThat(s.get(1)).isEqualTo("data x: 30 of 100 items");
        assertThat(s).anyMatch(l -> l.equals("  p.x [2] spatial-mean (2 values)"));
        assertThat(s.get(s.size() - 1)).startsWith("2 parts, duckdb");
        List<String> c = StoreOverview.open(dir).compactSummary();
        assertThat(c).hasSize(3);
        assertThat(c.get(0)).isEqualTo("m on x: 30 of 100 items");
        assertThat(c.get(1)).isEqualTo("spatial-mean: p.x [2]");
        assertThat(c.get(2)).startsWith("2 parts, duckdb").matches(".*, \\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    void rowsFollowTheConditionAcrossPartsInItemOrder() {
        StoreOverview o = StoreOverview.open(dir);
        StoreOverview.Rows all = o.rows(null, 1000);
        assertThat(all.matching()).isEqualTo(30);
        assertThat(all.items()).hasSize(30).startsWith(0, 2, 4).endsWith(58);

        StoreOverview.Rows ones = o.rows("label = 1 AND item_id > 20", 1000);
        int[] expected = IntStream.range(0, 30).map(i -> 2 * i).filter(i -> i % 3 == 1 && i > 20).toArray();
        assertThat(ones.items()).containsExactly(expected);
        assertThat(ones.matching()).isEqualTo(expected.length);
        assertThat(ones.labels()).containsOnly(1);
        assertThat(ones.sources()[0]).isEqualTo("file#" + expected[0]);

        // Point columns are arrays; the limit lists the first rows while the count stays whole.
        StoreOverview.Rows big = o.rows("\"p.x\"[1] >= 40", 3);
        assertThat(big.matching()).isEqualTo(10);
        assertThat(big.items()).containsExactly(40, 42, 44);
    }

    @Test
    void badConditionsAreRefusedNamingStoreAndFilter() {
        StoreOverview o = StoreOverview.open(dir);
        assertThatThrownBy(() -> o.rows("lable = 1", 10)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("filter 'lable = 1'");
        assertThatThrownBy(() -> o.rows("label = 1; DROP TABLE x", 10)).hasMessageContaining("without ';'");
        assertThatThrownBy(() -> StoreOverview.open(temp.resolve("none"))).hasMessageContaining("not a feature store");
    }
}
