package org.lamina.distributed;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

import org.lamina.analysis.conceptdepth.FeatureExtractor;
import org.lamina.analysis.conceptdepth.PooledFeatureStore;
import org.lamina.analysis.conceptdepth.TextConceptData;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageListDataset;
import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreFolder;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.OutputException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A feature store extracted on Spark (issue #20), with the same rows as {@code lamina extract}:
 * the driver checks the target folder ({@link FeatureStoreWriter#prepare}), opens the model and
 * the data once to settle the points, columns and item count, and splits the items into
 * contiguous ranges of whole {@code --part-rows} chunks, one range per partition. Each partition
 * runs {@link PartitionExtractor} (one model per partition), which writes its chunks as the very
 * parts the single machine writes ({@code part-NNNNN.parquet}, through the same DuckDB encoder:
 * Spark's own Parquet writer cost 0.3 ms more per row here and made a second file layout).
 *
 * <p>Only when the job has succeeded does the driver write {@code _manifest.json}, last, from the
 * parts the tasks report: a folder whose job failed or is still running has no manifest and no
 * reader takes it for a store. A lost executor costs its partitions, which Spark recomputes from
 * their item ranges (deterministic: the same model file, the same items, the same rows), each
 * part replaced atomically.
 *
 * <p>The list, its images and the store folder are paths on a file system every executor and the
 * driver see under the same name (NFS, a cluster file system, or the local disk in local mode), or
 * URLs of Hadoop's file systems ({@code hdfs://}, {@code s3a://}, any scheme Spark's Hadoop
 * configuration knows): the images are then read with {@link HadoopItemStorage}, each part is
 * written on the executor's disk and copied to the store's URL, and the driver checks and empties
 * the store folder and writes the manifest through {@link HadoopStoreFolder}, with the core's
 * rules and bytes. A model folder at a URL is copied once to the driver's and each executor's
 * disk ({@link ModelCopies}).
 */
public final class SparkStoreExtraction {

    private SparkStoreExtraction() {
    }

    /**
     * One extraction.
     *
     * @param model      {@code sample:NAME} or a model folder
     * @param data       the list file of image paths (or texts for a language model)
     * @param out        the store folder: a path, or a URL of Hadoop's file systems
     * @param points     {@code layers}, {@code all} or a comma list
     * @param reduce     the reduction, or null for the model's default
     * @param partitions partitions (0: Spark's default parallelism)
     * @param partRows   items per forward chunk and Parquet part (0: automatic, as {@code lamina extract})
     * @param maxItems   the first N items only (0: all)
     * @param overwrite  replace a finished store in {@code out}
     */
    public record Request(String model, String data, String out, String points, String reduce, int partitions,
                          int partRows, int maxItems, boolean overwrite) {
    }

    /** Runs {@code request} on {@code spark}; returns the manifest written. */
    public static StoreManifest run(SparkSession spark, Request request) {
        if (request.partRows() < 0) {
            throw new IllegalArgumentException("--part-rows must be ≥ 1, or 0 for automatic, got " + request.partRows());
        }
        if (request.maxItems() < 0) {
            throw new IllegalArgumentException("--max-items must be ≥ 0 (0 = all), got " + request.maxItems());
        }
        if (request.partitions() < 0) {
            throw new IllegalArgumentException("--partitions must be ≥ 0 (0 = Spark's default parallelism), got "
                    + request.partitions());
        }
        ModelRuntime.goOffline();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        // A model at a URL is copied to each JVM's disk (ModelCopies); the plan carries the URL.
        boolean modelUrl = ItemStorage.isUrl(request.model());
        String modelRef = modelUrl ? qualified(request.model(), hadoop)
                : ModelLocator.resolve(request.model()).toAbsolutePath().normalize().toString();
        Path modelDir = modelUrl ? ModelCopies.local(modelRef, hadoop) : Path.of(modelRef);
        String dataRef = absoluteIfPath(request.data());
        HadoopItemStorage items = new HadoopItemStorage(hadoop);
        StoreFolder folder = storeFolder(request.out(), hadoop);
        String out = folder.toString();

        List<String> chosen;
        String reduce;
        TokenPooling pooling;
        List<StoreManifest.PointColumn> columns;
        StoreManifest.ModelInfo modelInfo;
        StoreManifest.DataInfo dataInfo;
        ImageListDataset list;
        int n;
        // The driver opens the model on the CPU once: its manifest settles the columns, its weights
        // hash goes into the store's manifest, and the data set's size fixes the partitions.
        try (ProbeableModel m = ModelLoader.open(modelDir, ai.djl.Device.cpu())) {
            Dataset d = ExtractionPlan.openData(m.manifest(), dataRef, items);
            chosen = FeatureExtractor.resolvePoints(m.manifest(), request.points());
            reduce = request.reduce() == null ? PooledFeatureStore.defaultReduction(m.manifest(), chosen)
                    : request.reduce().trim().toLowerCase(Locale.ROOT);
            pooling = PooledFeatureStore.pooling(reduce, m.manifest(), chosen);
            columns = PooledFeatureStore.columns(m.manifest(), chosen, pooling);
            modelInfo = PooledFeatureStore.modelInfo(m);
            if (modelUrl) {
                // Where it was opened from, for people: the URL, not this JVM's temporary copy.
                modelInfo = new StoreManifest.ModelInfo(modelInfo.name(), modelRef, modelInfo.weightsSha256(),
                        modelInfo.manifestSha256());
            }
            List<String> names = d instanceof TextConceptData ? null : d.classNames();
            n = request.maxItems() == 0 ? d.size() : Math.min(request.maxItems(), d.size());
            // An image list's identity reads every image (140 GB for ImageNet-train): the tasks make
            // their items' records as they go and the driver joins them after the job. Other sets
            // (texts, concept sets, bundled data) are identified here, cheaply.
            list = d instanceof ImageListDataset l ? l : null;
            dataInfo = new StoreManifest.DataInfo(request.data(), d.name(), list == null ? d.contentIdentity() : null,
                    d.size(), names);
        }
        FeatureStoreWriter.prepare(folder, request.overwrite());
        int partRows = StoreExtraction.partRows(request.partRows(), columns);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Partitions are runs of whole chunks of --part-rows items, cut where the single machine
        // cuts its parts: every chunk, and so every forward batch, holds the items it holds there.
        // That is what makes the values bit-identical; with other batches oneDNN may pick other
        // kernels and the last bit moves (seen: 0.8444371 vs 0.8444372 with unaligned ranges).
        int chunks = (int) (((long) n + partRows - 1) / partRows);
        int partitions = request.partitions() > 0 ? request.partitions() : jsc.defaultParallelism();
        partitions = Math.max(1, Math.min(partitions, chunks));
        List<int[]> ranges = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            long from = (long) chunks * p / partitions * partRows;
            long to = Math.min(n, (long) chunks * (p + 1) / partitions * partRows);
            ranges.add(new int[] {(int) from, (int) to});
        }
        ExtractionPlan plan = new ExtractionPlan(modelRef, dataRef, new ArrayList<>(chosen), pooling,
                partRows, threadsPerTask(spark), out);
        CollectionAccumulator<String> devices = spark.sparkContext().collectionAccumulator("lamina devices");
        // Once per executor, not once per task: the configuration holds hundreds of keys.
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(hadoop));
        // One range per slice: parallelize cuts a list of `partitions` elements into `partitions`
        // slices. Each task writes its own parts; only their descriptions come back.
        List<WrittenPart> written = jsc.parallelize(ranges, partitions)
                .mapPartitionsWithIndex(new PartitionExtractor(plan, conf, devices), true)
                .collect();
        conf.destroy();
        sweepTemporaryFiles(folder);

        List<StoreManifest.Part> parts = written.stream().map(WrittenPart::part)
                .sorted(Comparator.comparingLong(StoreManifest.Part::firstItem)).toList();
        long total = parts.stream().mapToLong(StoreManifest.Part::rows).sum();
        if (total != n || parts.size() != chunks) {
            throw new FeatureStoreException("Spark's tasks wrote " + parts.size() + " parts of " + total + " rows into "
                    + out + " for " + n + " items in " + chunks + " parts; the store is left without a manifest");
        }
        if (list != null) {
            dataInfo = new StoreManifest.DataInfo(dataInfo.reference(), dataInfo.name(),
                    joinIdentity(list, n, written, folder), dataInfo.size(), dataInfo.labelNames());
        }
        String device = String.join(", ", new TreeSet<>(devices.value().stream()
                .map(s -> s.substring(s.indexOf(": ") + 2)).toList()));
        StoreManifest manifest = new StoreManifest(StoreManifest.FORMAT, StoreManifest.FORMAT_VERSION, laminaVersion(),
                FeatureStoreWriter.engine() + " on spark " + spark.version() + " (" + partitions + " partition"
                        + (partitions == 1 ? "" : "s") + ")",
                Instant.now().toString(), modelInfo, dataInfo, reduce, columns, total, parts,
                device.isEmpty() ? "none" : device, Map.of());
        manifest.write(folder);
        return manifest;
    }

    /**
     * The store folder of {@code out}: a local folder for a path (absolute, normalised, exactly as
     * before URLs were read), else the folder at the URL on Hadoop's file systems.
     */
    static StoreFolder storeFolder(String out, Configuration hadoop) {
        if (!ItemStorage.isUrl(out)) {
            return StoreFolder.local(Path.of(out).toAbsolutePath().normalize());
        }
        try {
            return new HadoopStoreFolder(out, hadoop);
        } catch (IOException e) {
            throw new OutputException("cannot open the store folder " + out + " through Hadoop's file systems: "
                    + OutputException.reason(e), e);
        }
    }

    private static String qualified(String url, Configuration hadoop) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(url);
        try {
            return p.getFileSystem(hadoop).makeQualified(p).toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("MODEL " + url + ": no Hadoop file system for it: " + e.getMessage(), e);
        }
    }

    /**
     * The image list's content identity from the records the tasks left beside their parts, read
     * one part at a time in item order (memory: one part's records, about 120 bytes an item,
     * whatever the data set's size), then the records of items past {@code --max-items}, made
     * here; the side files are removed once read.
     */
    private static String joinIdentity(ImageListDataset list, int n, List<WrittenPart> written, StoreFolder folder) {
        List<String> files = written.stream().sorted(Comparator.comparingLong(WrittenPart::firstItem))
                .map(WrittenPart::identity).toList();
        Iterable<byte[]> pieces = () -> new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < files.size() || (next == files.size() && n < list.size());
            }

            @Override
            public byte[] next() {
                if (next == files.size()) {
                    next++;
                    return list.identityRecords(n, list.size()); // --max-items: the rest of the set
                }
                String f = files.get(next++);
                try {
                    return folder.read(f);
                } catch (IOException e) {
                    throw new FeatureStoreException("cannot read the identity records " + f + " in " + folder + ": "
                            + e.getMessage() + "; the store is left without a manifest", e);
                }
            }
        };
        String identity = list.contentIdentityOf(pieces);
        for (String f : files) {
            try {
                folder.delete(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + f + " from " + folder, e);
            }
        }
        return identity;
    }

    /**
     * Removes the hidden temporary files of task attempts that were killed while writing a part
     * (a lost executor, a speculative copy); no reader looks at them, but they take space.
     */
    private static void sweepTemporaryFiles(StoreFolder out) {
        try {
            for (String f : out.list()) {
                if (f.startsWith(".part-") && f.contains(".tmp-")) {
                    out.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the store folder " + out, e);
        }
    }

    /** The Parquet schema of a store with {@code columns} as Spark reads it (for benchmarks and Spark users). */
    public static StructType schema(List<StoreManifest.PointColumn> columns) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(StoreManifest.ITEM_COLUMN, DataTypes.LongType, true));
        fields.add(DataTypes.createStructField(StoreManifest.LABEL_COLUMN, DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField(StoreManifest.SOURCE_COLUMN, DataTypes.StringType, true));
        for (StoreManifest.PointColumn c : columns) {
            fields.add(DataTypes.createStructField(c.name(), DataTypes.createArrayType(DataTypes.FloatType, true), true));
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * PyTorch threads per task: {@code spark.task.cpus} on a cluster, where Spark runs
     * executor-cores / task-cpus tasks at once per executor; in {@code local[N]} mode this JVM's
     * cores shared by its N concurrent tasks. Without this every task would take every core.
     */
    static int threadsPerTask(SparkSession spark) {
        String master = spark.sparkContext().master();
        int cores = Runtime.getRuntime().availableProcessors();
        if (master.equals("local") || master.startsWith("local[")) {
            int slots;
            if (master.equals("local")) {
                slots = 1;
            } else {
                String inside = master.substring(master.indexOf('[') + 1, master.indexOf(']'));
                String first = inside.split(",")[0].trim();
                slots = first.equals("*") ? cores : Integer.parseInt(first);
            }
            return Math.max(1, cores / Math.max(1, slots));
        }
        return spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }

    static String laminaVersion() {
        String v = SparkStoreExtraction.class.getPackage().getImplementationVersion();
        return "Lamina " + (v == null ? "0.1.0-SNAPSHOT" : v);
    }

    private static String absoluteIfPath(String data) {
        if (data.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            return data;
        }
        if (ItemStorage.isUrl(data)) {
            return data;
        }
        Path p = Path.of(data);
        return Files.exists(p) ? p.toAbsolutePath().normalize().toString() : data;
    }
}
