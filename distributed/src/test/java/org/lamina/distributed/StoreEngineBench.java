package org.lamina.distributed;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreManifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Issue #20's engine comparison (bench/README.md, "Feature stores"): the embedded engine of a
 * single-machine store, DuckDB, against Spark in local mode, on the same rows. One engine per JVM
 * (run under {@code /usr/bin/time -v} for the peak RSS):
 * <pre>
 * java -cp … org.lamina.distributed.StoreEngineBench duckdb|spark ROWS DIMS(32,64,…) OUT PART_ROWS
 * </pre>
 * It times the engine's start-up, writing ROWS rows of seeded random vectors (made chunk by chunk
 * as the write goes, inside Spark's tasks as in an extraction; the same values for both engines;
 * making them alone is timed too) as Parquet parts of PART_ROWS rows, and reading every row back
 * into Java arrays in item order. Not a test: a main for a person to run.
 */
public final class StoreEngineBench {

    private StoreEngineBench() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int rows = Integer.parseInt(args[1]);
        int[] dims = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        Path out = Path.of(args[3]);
        int partRows = Integer.parseInt(args[4]);
        List<StoreManifest.PointColumn> columns = new ArrayList<>();
        for (int p = 0; p < dims.length; p++) {
            columns.add(new StoreManifest.PointColumn("point." + p, new long[] {dims[p]}, "none", dims[p]));
        }
        int chunkCount = (rows + partRows - 1) / partRows;
        long g = System.nanoTime();
        for (int c = 0; c < chunkCount; c++) {
            chunk(c, rows, partRows, dims);
        }
        double generation = seconds(g);
        double mb = (double) rows * Arrays.stream(dims).sum() * Float.BYTES / 1e6;

        long t0 = System.nanoTime();
        double startup;
        double write;
        double read;
        long checksum = 0;
        if (engine.equals("duckdb")) {
            try (FeatureStoreWriter w = FeatureStoreWriter.create(out, columns, true)) {
                startup = seconds(t0);
                long t1 = System.nanoTime();
                for (int c = 0; c < chunkCount; c++) {
                    w.write(chunk(c, rows, partRows, dims));
                }
                w.commit("bench", new StoreManifest.ModelInfo("synthetic", "-", "-", "-"),
                        new StoreManifest.DataInfo("-", "synthetic", "-", rows, null), "none", "cpu()", Map.of());
                write = seconds(t1);
            }
            long t2 = System.nanoTime();
            FeatureChunk all = FeatureStore.open(out).readAll();
            for (int p = 0; p < dims.length; p++) {
                checksum += Float.floatToRawIntBits(all.values().get(p)[all.values().get(p).length - 1]);
            }
            checksum += all.size();
            read = seconds(t2);
        } else {
            SparkSession spark = SparkSession.builder().master("local[2]").appName("store-bench")
                    .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                    .getOrCreate();
            try {
                FeatureStoreWriter.prepare(out, true);
                startup = seconds(t0);
                long t1 = System.nanoTime();
                // As in an extraction, rows are made inside the tasks (here from the seed), not shipped.
                List<Integer> indices = new ArrayList<>();
                for (int c = 0; c < chunkCount; c++) {
                    indices.add(c);
                }
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                spark.createDataFrame(jsc.parallelize(indices, 2).flatMap(c -> rowsOf(chunk(c, rows, partRows, dims))),
                                SparkStoreExtraction.schema(columns)).write()
                        .mode(SaveMode.Append).option("compression", "snappy").option("maxRecordsPerFile", partRows)
                        .option("parquet.enable.dictionary", System.getProperty("bench.dictionary", "false"))
                        .parquet(out.toUri().toString());
                write = seconds(t1);
                long t2 = System.nanoTime();
                List<Row> back = spark.read().parquet(out.toUri().toString()).orderBy(StoreManifest.ITEM_COLUMN)
                        .collectAsList();
                float[][] values = new float[dims.length][];
                for (int p = 0; p < dims.length; p++) {
                    values[p] = new float[back.size() * dims[p]];
                }
                for (int r = 0; r < back.size(); r++) {
                    Row row = back.get(r);
                    for (int p = 0; p < dims.length; p++) {
                        List<Float> l = row.getList(3 + p);
                        for (int k = 0; k < dims[p]; k++) {
                            values[p][r * dims[p] + k] = l.get(k);
                        }
                    }
                }
                for (int p = 0; p < dims.length; p++) {
                    checksum += Float.floatToRawIntBits(values[p][values[p].length - 1]);
                }
                checksum += back.size();
                read = seconds(t2);
            } finally {
                spark.stop();
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d rows × %d floats (%.1f MB of floats): start-up %.2f s, write %.2f s "
                        + "(%.0f rows/s, %.1f MB/s; making the rows alone %.2f s), read %.2f s (%.0f rows/s, %.1f MB/s) [checksum %d]%n",
                engine, rows, Arrays.stream(dims).sum(), mb, startup, write, rows / write, mb / write, generation, read,
                rows / read, mb / read, checksum);
    }

    /** Chunk {@code c}: seeded by its index, so both engines write the same values. */
    static FeatureChunk chunk(int c, int rows, int partRows, int[] dims) {
        Random random = new Random(20 + c);
        int from = c * partRows;
        int n = Math.min(partRows, rows - from);
        int[] items = new int[n];
        int[] labels = new int[n];
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            items[i] = from + i;
            labels[i] = (from + i) % 10;
            sources[i] = "item " + (from + i) + " (/data/img/" + (from + i) + ".png)";
        }
        List<float[]> values = new ArrayList<>();
        for (int d : dims) {
            float[] v = new float[n * d];
            for (int k = 0; k < v.length; k++) {
                v[k] = random.nextFloat();
            }
            values.add(v);
        }
        return new FeatureChunk(items, labels, sources, dims, values);
    }

    static java.util.Iterator<Row> rowsOf(FeatureChunk c) {
        List<Row> out = new ArrayList<>(c.size());
        for (int r = 0; r < c.size(); r++) {
            Object[] v = new Object[3 + c.dimensions().length];
            v[0] = (long) c.items()[r];
            v[1] = c.labels()[r];
            v[2] = c.sources()[r];
            for (int p = 0; p < c.dimensions().length; p++) {
                v[3 + p] = c.vector(p, r);
            }
            out.add(RowFactory.create(v));
        }
        return out.iterator();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
