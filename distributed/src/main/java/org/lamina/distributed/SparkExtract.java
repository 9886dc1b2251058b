package org.lamina.distributed;

import org.apache.spark.sql.SparkSession;

import org.lamina.analysis.featurestore.StoreManifest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The Spark application of {@code lamina-spark.jar} (issue #20):
 * <pre>
 * spark-submit --class org.lamina.distributed.SparkExtract lamina-spark.jar \
 *     extract MODEL --data LIST --out STORE [--points P] [--reduce R] [--partitions N] [--part-rows N]
 * </pre>
 * writes the same feature store as {@code lamina extract MODEL --data LIST --out STORE}, its rows
 * computed by Spark's executors ({@link SparkStoreExtraction}). The master, executors, GPUs and
 * the {@code --add-opens} flags Spark 3.5 needs on Java 17 come from {@code spark-submit}
 * (README, "Running on a cluster"); the session is the one {@code spark-submit} configured.
 */
@Command(name = "lamina-spark", mixinStandardHelpOptions = true, subcommands = SparkExtract.Extract.class,
        description = "Lamina on Apache Spark: feature-store extraction on a cluster.")
public final class SparkExtract implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a subcommand: extract");
    }

    /** Entry point for {@code spark-submit}. */
    public static void main(String[] args) {
        int code = new CommandLine(new SparkExtract())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // The message names the file, field or option at fault; the trace is for bugs.
                    System.err.println("lamina-spark: " + e.getMessage());
                    if (Boolean.getBoolean("lamina.trace")) {
                        e.printStackTrace();
                    }
                    return 1;
                })
                .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@code extract}: a feature store computed on the cluster. */
    @Command(name = "extract", mixinStandardHelpOptions = true,
            description = {"Feature store of MODEL over the items of LIST, computed by Spark's executors (one model per "
                    + "partition, on the GPU Spark assigns to a task, else the CPU): the Parquet parts and _manifest.json "
                    + "(written last) of lamina extract, with the same rows."})
    static final class Extract implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "MODEL",
                description = "A model folder on storage every executor reads, or its URL on Hadoop's file systems "
                        + "(copied once to the driver's and each executor's disk); sample:NAME in local mode.")
        String model;

        @Option(names = "--data", required = true, paramLabel = "LIST",
                description = "Image models: a list of image paths (.txt or .lst, one path[,label] a line, relative paths "
                        + "against the list's folder) on storage every executor reads; the list and its lines may be "
                        + "URLs of Hadoop's file systems (hdfs://, s3a://). Language models: a .txt of texts (a path).")
        String data;

        @Option(names = "--out", required = true, paramLabel = "STORE",
                description = "Store folder (new or empty) on storage the driver and every executor write: a path, or a "
                        + "URL of Hadoop's file systems (hdfs://, s3a://).")
        String out;

        @Option(names = "--points", defaultValue = "layers", paramLabel = "layers|all|P1,P2",
                description = "Probe points: layers, all, or a list. Default ${DEFAULT-VALUE}.")
        String points;

        @Option(names = "--reduce", paramLabel = "last|mean|cls|spatial-mean|none",
                description = "Per-item reduction, as lamina extract (default: the model's).")
        String reduce;

        @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
                description = "Contiguous item ranges, one task each (0 = Spark's default parallelism). Default ${DEFAULT-VALUE}.")
        int partitions;

        @Option(names = "--part-rows", defaultValue = "0", paramLabel = "N",
                description = "Items per forward chunk and Parquet part. Default 0: automatic, as lamina extract (as "
                        + "many rows as fill 8 MiB of values, between 256 and 4096).")
        int partRows;

        @Option(names = "--max-items", defaultValue = "0", description = "The first N items only (0 = all).")
        int maxItems;

        @Option(names = "--overwrite", description = "Replace the feature store already in STORE.")
        boolean overwrite;

        @Override
        public Integer call() {
            long start = System.nanoTime();
            SparkSession spark = SparkSession.builder().appName("lamina extract " + model).getOrCreate();
            StoreManifest m;
            try {
                m = SparkStoreExtraction.run(spark, new SparkStoreExtraction.Request(model, data, out, points, reduce,
                        partitions, partRows, maxItems, overwrite));
            } finally {
                spark.stop();
            }
            System.out.printf(Locale.ROOT, "%s: %d items × %d points (%s) of %s in %.1f s on %s, %d part%s, device %s%n",
                    m.model().name(), m.rows(), m.points().size(), m.reduce(), m.data().name(),
                    (System.nanoTime() - start) / 1e9, m.engine(), m.parts().size(), m.parts().size() == 1 ? "" : "s",
                    m.device());
            System.out.println("wrote " + StoreManifest.FILE + " (last) and " + m.parts().size()
                    + " Parquet part" + (m.parts().size() == 1 ? "" : "s") + " into " + out);
            return 0;
        }
    }
}
