package org.lamina.app.cli;

import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.FeatureExtractor;
import org.lamina.analysis.conceptdepth.PooledFeatureStore;
import org.lamina.analysis.conceptdepth.TextConceptData;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.craft.CraftStore;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ModelDataSets;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.data.TextDataset;
import org.lamina.analysis.featurestore.ChunkSource;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code lamina extract MODEL --data D --points P --reduce R --out STORE}: the features of every
 * item of a data set at chosen points, as a feature store (issue #20): Parquet parts (item id,
 * label, source, one float-array column per point) and a manifest written last.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Feature store: the features of every item of a data set at chosen probe points, as a folder of "
                + "Parquet files (item_id, label, source, one float[] column per point) and _manifest.json, written last.",
            "Readable as it is by pandas, pyarrow, DuckDB and Spark; lamina probe --features reads it instead of "
                + "running the model."})
final class ExtractCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "MODEL", description = "sample:NAME or a model directory.")
    String model;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Image models: a data set (sample:fashion-test, an image folder, or a list of image paths, "
                    + ".txt/.lst with one path[,label] a line, as the Spark extraction reads; default: the "
                    + "model's test set). Language models: a .txt (one text a line), or a concept set "
                    + "(sample:lm-concepts, a text rule .json, a CSV text,label[,group]) whose texts are extracted.")
    String data;

    @Option(names = "--labels", paramLabel = "MAP.csv",
            description = "Class of each sub-folder of an image-folder data set (as for lamina evaluate).")
    Path labels;

    @Option(names = "--points", defaultValue = "layers", paramLabel = "layers|all|P1,P2",
            description = "Probe points: layers (layer outputs), all, or a list. Default ${DEFAULT-VALUE}.")
    String points;

    @Option(names = "--reduce", paramLabel = "last|mean|cls|spatial-mean|none",
            description = "Per-item reduction: cls/last token, mean over tokens, spatial-mean of maps (and of patch "
                    + "tokens), or none (whole activation, flattened). Default: last for language models, cls for "
                    + "transformers, spatial-mean for CNNs (what lamina probe uses).")
    String reduce;

    @Option(names = "--craft",
            description = "A CRAFT activation store for lamina craft --activations-store: at the cut point (--points "
                    + "POINT, default CRAFT's) each image's whole activation, its crops' pooled activations "
                    + "(column POINT#crops) and the pooling point after the cut; --reduce does not apply.")
    boolean craft;

    @Option(names = "--craft-patch", defaultValue = "0", paramLabel = "P",
            description = "With --craft: crop size in pixels, as lamina craft --patch (0 = CRAFT's default). "
                    + "Default ${DEFAULT-VALUE}.")
    int craftPatch;

    @Option(names = "--max-items", defaultValue = "0", description = "The first N items only (0 = all). Default ${DEFAULT-VALUE}.")
    int maxItems;

    @Option(names = "--part-rows", defaultValue = "0", paramLabel = "N",
            description = "Rows per Parquet part (memory holds two parts: one computed, one written). Default 0: "
                    + "automatic, as many rows as fill 8 MiB of values, between 256 and 4096.")
    int partRows;

    @Option(names = "--out", required = true, paramLabel = "STORE", description = "Store folder (new or empty).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the feature store already in STORE.")
    boolean overwrite;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        if (maxItems < 0) {
            throw new IllegalArgumentException("--max-items must be ≥ 0 (0 = all), got " + maxItems);
        }
        if (partRows < 0) {
            throw new IllegalArgumentException("--part-rows must be ≥ 1, or 0 for automatic, got " + partRows);
        }
        if (craftPatch != 0 && !craft) {
            throw new IllegalArgumentException("--craft-patch " + craftPatch + " only applies with --craft");
        }
        ConsoleProgress progress = new ConsoleProgress(System.err, "extract", quiet);
        StoreManifest written;
        long start = System.nanoTime();
        try (ProbeableModel m = ModelLoader.open(model, device.choice())) {
            boolean lm = m.manifest().isCausalLm();
            String ref;
            Dataset d;
            if (lm) {
                if (data == null) {
                    throw new IllegalArgumentException("--data: language model '" + m.manifest().name() + "' needs texts: "
                            + "a .txt file (one text a line) or a concept set such as sample:lm-concepts");
                }
                ref = data;
                d = data.toLowerCase(Locale.ROOT).endsWith(".txt") ? texts(Path.of(data))
                        : ConceptSets.open(data, null, m.manifest(), null).dataset();
            } else {
                ref = ModelDataSets.testOr(data, m.manifest(), "--data");
                d = SampleData.open(ref, m.manifest().input(), m.manifest().labels(), labels);
            }
            if (craft) {
                written = craftStore(m, d, ref, progress);
            } else {
                List<String> chosen = FeatureExtractor.resolvePoints(m.manifest(), points);
                String r = reduce == null ? PooledFeatureStore.defaultReduction(m.manifest(), chosen)
                        : reduce.trim().toLowerCase(Locale.ROOT);
                TokenPooling pooling = PooledFeatureStore.pooling(r, m.manifest(), chosen);
                written = write(m, d, ref, PooledFeatureStore.columns(m.manifest(), chosen, pooling),
                        PooledFeatureStore.source(m, d, chosen, pooling), d instanceof TextConceptData ? null
                                : d.classNames(), r, Map.of(), progress);
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d items × %d points (%s) of %s in %.1f s, %d part%s%n", written.model().name(),
                written.rows(), written.points().size(), written.reduce(), written.data().name(), s, written.parts().size(),
                written.parts().size() == 1 ? "" : "s");
        for (StoreManifest.PointColumn c : written.points()) {
            System.out.printf(Locale.ROOT, "  %-24s %6d values (%s)%n", c.name(), c.dimension(), c.reduction());
        }
        System.out.println("wrote " + out.resolve(StoreManifest.FILE) + " (last) and " + written.parts().size()
                + " Parquet part" + (written.parts().size() == 1 ? "" : "s"));
    }

    /** {@code --craft}: CRAFT's g passes over the items ({@link CraftStore}). */
    private StoreManifest craftStore(ProbeableModel m, Dataset d, String ref, ConsoleProgress progress) {
        m.manifest().requireNotLanguageModel("CRAFT");
        if (reduce != null && !reduce.trim().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException("--reduce " + reduce + " does not apply to --craft: a CRAFT store keeps the "
                    + "cut point's activations whole and its crops pooled as CRAFT does");
        }
        String layer = points.equals("layers") ? null : points.trim();
        if (layer != null && layer.contains(",")) {
            throw new IllegalArgumentException("--craft takes one cut point in --points, got '" + points + "'");
        }
        return write(m, d, ref, CraftStore.columns(m.manifest(), layer, craftPatch),
                CraftStore.source(m, d, layer, craftPatch), d.classNames(), CraftStore.KIND,
                CraftStore.extras(m.manifest(), layer, craftPatch), progress);
    }

    /**
     * Extracts the first {@code --max-items} items of {@code d} with {@code source} into a new
     * store of {@code columns} at {@code --out} and commits its manifest, last.
     */
    private StoreManifest write(ProbeableModel m, Dataset d, String ref, List<StoreManifest.PointColumn> columns,
                                ChunkSource source, List<String> labelNames, String kind, Map<String, Object> extras,
                                ConsoleProgress progress) {
        int n = maxItems == 0 ? d.size() : Math.min(maxItems, d.size());
        try (FeatureStoreWriter w = FeatureStoreWriter.create(out, columns, overwrite)) {
            StoreExtraction.run(source, IntStream.range(0, n).toArray(), StoreExtraction.partRows(partRows, columns), w,
                    progress);
            progress.finish();
            return w.commit(new LaminaCli.Version().getVersion()[0], PooledFeatureStore.modelInfo(m),
                    new StoreManifest.DataInfo(ref, d.name(), d.contentIdentity(), d.size(), labelNames), kind,
                    m.device().toString(), extras);
        }
    }

    private static TextConceptData texts(Path file) {
        TextDataset t = TextDataset.read(file);
        return new TextConceptData(file.getFileName().toString(), t.items().stream().map(TextDataset.Item::text).toList());
    }
}
