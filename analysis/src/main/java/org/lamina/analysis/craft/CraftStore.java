package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.featurestore.ChunkSource;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CRAFT's activations in a feature store (issue #20, "CRAFT's activations from a store"). CRAFT's
 * g passes are not of random crops: each image's crops are the fixed {@link CropGrid} of its patch
 * size, so a per-item store holds them exactly. A CRAFT activation store ({@code lamina extract
 * MODEL --craft [--points CUT] [--craft-patch P]}) has, per image, three columns:
 * <ul>
 *   <li>{@code CUT} (reduction {@code none}): the whole activation at the cut point, flattened as
 *       the model returns it — what the coefficient maps, the paper maps and h are computed from;</li>
 *   <li>{@code CUT#crops} (reduction {@code craft-crops}, shape {@code [crops, C]}): each crop of
 *       the grid, resized to the input, through g and averaged over space (the crop's row of A;
 *       a ViT's patch tokens, class token dropped) — what the concept bank is fitted on;</li>
 *   <li>the point after the cut when it may be its global average pool (whole), so that the
 *       pooled-head check ({@link CraftAnalysis#poolCandidate}) decides as it does on the model.</li>
 * </ul>
 * {@code lamina craft --activations-store STORE} then reads g of the class's images from the store
 * and runs only h (the rest of the network, for the Sobol indices and the fidelity curves) on the
 * model. Every value is computed by the functions the model path calls, so a run from a store equals
 * the run without it up to the float rounding of a different forward batch. The store is refused,
 * naming the store, the field and what was expected, unless weights, model.json, data content, cut
 * point, shape and crop grid match the run. Sub-concepts ({@code --sub-concepts}) cut elsewhere and
 * still run the model.
 */
public final class CraftStore {

    /** Suffix of the crops column's name. */
    public static final String CROPS_SUFFIX = "#crops";
    /** Reduction recorded for the crops column. */
    public static final String CROPS_REDUCTION = "craft-crops";
    /** The manifest's {@code reduce} and {@code extras} key of a CRAFT activation store. */
    public static final String KIND = "craft";

    private final FeatureStore store;

    private CraftStore(FeatureStore store) {
        this.store = store;
    }

    /** The store read. */
    public FeatureStore store() {
        return store;
    }

    /** The crop grid of images of this model with patch {@code patch} (0 = CRAFT's default). */
    public static CropGrid grid(ModelManifest mf, int patch) {
        mf.requireNotLanguageModel("CRAFT");
        long[] shape = mf.input().shape();
        if (!mf.input().isImage() || shape[1] != shape[2]) {
            throw new org.lamina.analysis.model.ModelException("model '" + mf.name() + "' takes "
                    + Arrays.toString(shape) + " inputs; CRAFT crops square images [C, H, H]");
        }
        int size = (int) shape[1];
        return CropGrid.of(size, patch == 0 ? CropGrid.defaultPatch(size) : patch);
    }

    /** The columns of a CRAFT activation store cut at {@code layer} (null: CRAFT's default cut). */
    public static List<StoreManifest.PointColumn> columns(ModelManifest mf, String layer, int patch) {
        ProbePoint point = CraftAnalysis.cutPoint(mf, layer);
        CraftAnalysis.Cut cut = CraftAnalysis.Cut.of(mf, point);
        CropGrid grid = grid(mf, patch);
        List<StoreManifest.PointColumn> out = new ArrayList<>();
        out.add(whole(point));
        out.add(new StoreManifest.PointColumn(point.name() + CROPS_SUFFIX, new long[] {grid.cropsPerImage(),
            cut.channels()}, CROPS_REDUCTION, grid.cropsPerImage() * cut.channels()));
        ProbePoint pool = cut.tokens() ? null : CraftAnalysis.poolCandidate(mf, point);
        if (pool != null) {
            out.add(whole(pool));
        }
        return out;
    }

    /** What the manifest's {@code extras} records: the cut and its crop grid. */
    public static Map<String, Object> extras(ModelManifest mf, String layer, int patch) {
        CropGrid grid = grid(mf, patch);
        Map<String, Object> craft = new LinkedHashMap<>();
        craft.put("cut", CraftAnalysis.cutPoint(mf, layer).name());
        craft.put("patch", grid.patch());
        craft.put("stride", grid.stride());
        craft.put("cropsPerImage", grid.cropsPerImage());
        return Map.of(KIND, craft);
    }

    private static StoreManifest.PointColumn whole(ProbePoint p) {
        long n = Arrays.stream(p.shape()).reduce(1, (a, b) -> a * b);
        return new StoreManifest.PointColumn(p.name(), p.shape().clone(), "none", Math.toIntExact(n));
    }

    /**
     * The chunk source of {@code lamina extract --craft}: for a chunk of items, the same crop and
     * image passes as {@link CraftAnalysis#run}, in batches of the memory budget.
     */
    public static ChunkSource source(ProbeableModel model, Dataset data, String layer, int patch) {
        ModelManifest mf = model.manifest();
        mf.requireNotLanguageModel("CRAFT");
        ProbePoint point = CraftAnalysis.cutPoint(mf, layer);
        CraftAnalysis.Cut cut = CraftAnalysis.Cut.of(mf, point);
        CropGrid grid = grid(mf, patch);
        ProbePoint pool = cut.tokens() ? null : CraftAnalysis.poolCandidate(mf, point);
        int batch = BatchPlanner.forwardBatchSize(mf, model.device());
        List<StoreManifest.PointColumn> columns = columns(mf, layer, patch);
        return (items, progress) -> {
            float[] crops;
            float[] raw;
            float[] pooled = null;
            try (NDManager manager = NDManager.newBaseManager(model.device())) {
                // The crops through the analysis's own code (rows of A); the images' raw activations below.
                crops = cropRows(model, manager, data, items, cut, grid, batch, progress);
                RawMaps r = rawMaps(model, manager, data, items, point, pool, batch);
                raw = r.cut();
                pooled = r.pool();
            }
            int[] labels = new int[items.length];
            String[] sources = new String[items.length];
            for (int i = 0; i < items.length; i++) {
                labels[i] = data.label(items[i]);
                sources[i] = data.describeItem(items[i]);
            }
            List<float[]> values = new ArrayList<>(List.of(raw, crops));
            if (pool != null) {
                values.add(pooled);
            }
            int[] dims = columns.stream().mapToInt(StoreManifest.PointColumn::dimension).toArray();
            return new FeatureChunk(items.clone(), labels, sources, dims, values);
        };
    }

    private static float[] cropRows(ProbeableModel model, NDManager manager, Dataset data, int[] items,
                                    CraftAnalysis.Cut cut, CropGrid grid, int batch,
                                    org.lamina.analysis.job.ProgressSink progress) {
        return CraftAnalysis.gPasses(model, manager, data, items, cut, null, grid, batch, progress).crops();
    }

    private record RawMaps(float[] cut, float[] pool) {
    }

    /** The whole activations at the cut (and the pool candidate) as the model returns them, flattened. */
    private static RawMaps rawMaps(ProbeableModel model, NDManager manager, Dataset data, int[] items, ProbePoint point,
                                   ProbePoint pool, int batch) {
        ModelManifest mf = model.manifest();
        long[] shape = mf.input().shape();
        int imageSize = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        int per = Math.toIntExact(Arrays.stream(point.shape()).reduce(1, (a, b) -> a * b));
        int perPool = pool == null ? 0 : Math.toIntExact(Arrays.stream(pool.shape()).reduce(1, (a, b) -> a * b));
        float[] cut = new float[items.length * per];
        float[] pooled = new float[items.length * perPool];
        for (int from = 0; from < items.length; from += batch) {
            int to = Math.min(items.length, from + batch);
            float[] x = new float[(to - from) * imageSize];
            for (int i = from; i < to; i++) {
                System.arraycopy(CraftAnalysis.normalised(data, items[i], mf), 0, x, (i - from) * imageSize, imageSize);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray input = scope.create(x, new Shape(to - from, shape[0], shape[1], shape[2]));
                var t = model.run(scope, org.lamina.analysis.model.RunRequest.fromInput(input)
                        .capture(pool == null ? new String[] {point.name()} : new String[] {point.name(), pool.name()})
                        .build());
                float[] a = t.activation(point.name()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(a, 0, cut, from * per, a.length);
                if (pool != null) {
                    float[] b = t.activation(pool.name()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray();
                    System.arraycopy(b, 0, pooled, from * perPool, b.length);
                }
            }
        }
        return new RawMaps(cut, pooled);
    }

    /** Opens {@code dir} as CRAFT activations of {@code model} over {@code data}, or refuses it. */
    public static CraftStore open(Path dir, ProbeableModel model, Dataset data) {
        FeatureStore s = FeatureStore.open(dir);
        StoreManifest m = s.manifest();
        String where = "CRAFT activation store " + dir + ": manifest field ";
        if (!(m.extras().get(KIND) instanceof Map<?, ?>)) {
            throw new FeatureStoreException(where + "extras.craft is missing: this is not a CRAFT activation store "
                    + "(reduce '" + m.reduce() + "'); extract one with lamina extract MODEL --data D --craft");
        }
        s.requireSource("CRAFT activation store", model, data);
        return new CraftStore(s);
    }

    /** g of {@code images} for a run cut at {@code cut} with {@code grid}: the columns must be those. */
    CraftAnalysis.GPasses read(NDManager manager, int[] images, CraftAnalysis.Cut cut, ProbePoint pool, CropGrid grid,
                               int batch) {
        StoreManifest m = store.manifest();
        String where = "CRAFT activation store " + store.directory() + ": manifest field ";
        Map<?, ?> craft = (Map<?, ?>) m.extras().get(KIND);
        String point = cut.point().name();
        if (!point.equals(craft.get("cut"))) {
            throw new FeatureStoreException(where + "extras.craft.cut is '" + craft.get("cut") + "', expected '" + point
                    + "' (--layer); extract with --craft --points " + point);
        }
        if (!(craft.get("patch") instanceof Number n) || n.intValue() != grid.patch()) {
            throw new FeatureStoreException(where + "extras.craft.patch is " + craft.get("patch") + ", expected "
                    + grid.patch() + " (--patch); extract with --craft-patch " + grid.patch());
        }
        List<String> names = new ArrayList<>(List.of(point, point + CROPS_SUFFIX));
        if (pool != null) {
            names.add(pool.name());
        }
        for (String name : names) {
            int i = m.pointIndex(name);
            if (i < 0) {
                throw new FeatureStoreException(where + "points has no '" + name + "' (it holds "
                        + String.join(", ", m.pointNames()) + ")");
            }
        }
        StoreManifest.PointColumn whole = m.points().get(m.pointIndex(point));
        if (!Arrays.equals(whole.shape(), cut.point().shape()) || !"none".equals(whole.reduction())) {
            throw new FeatureStoreException(where + "points['" + point + "'] is " + Arrays.toString(whole.shape()) + " ("
                    + whole.reduction() + "), expected " + Arrays.toString(cut.point().shape()) + " (none)");
        }
        int[] sorted = Arrays.stream(images).sorted().toArray();
        FeatureChunk c = store.readItems(names, sorted);
        int channels = cut.channels();
        int perImage = grid.cropsPerImage();
        int positions = cut.headPositions();
        int per = whole.dimension();
        float[] crops = new float[images.length * perImage * channels];
        float[] raw = new float[images.length * per];
        float[] pooled = pool == null ? null : new float[images.length * channels];
        for (int i = 0; i < images.length; i++) {
            int row = Arrays.binarySearch(c.items(), images[i]);
            System.arraycopy(c.values().get(1), row * perImage * channels, crops, i * perImage * channels,
                    perImage * channels);
            System.arraycopy(c.values().get(0), row * per, raw, i * per, per);
            if (pool != null) {
                System.arraycopy(c.values().get(2), row * channels, pooled, i * channels, channels);
            }
        }
        long[] s = cut.point().shape();
        if (s.length != 3) {
            // A vector cut or ViT tokens [T, D]: the activation is position-major already.
            return new CraftAnalysis.GPasses(crops, raw, Double.POSITIVE_INFINITY);
        }
        // A map [C, H, W]: as CraftAnalysis.imageMaps, position-major, and the pool check on NDArrays
        // per forward batch of the run (its deviation is the largest of the batches' ratios).
        float[] positionMajor = new float[images.length * positions * channels];
        double deviation = pool == null ? Double.POSITIVE_INFINITY : 0;
        for (int from = 0; from < images.length; from += batch) {
            int to = Math.min(images.length, from + batch);
            try (NDManager scope = manager.newSubManager()) {
                NDArray act = scope.create(Arrays.copyOfRange(raw, from * per, to * per),
                        new Shape(to - from, s[0], s[1] * s[2]));
                if (pool != null) {
                    deviation = Math.max(deviation, CraftAnalysis.poolDeviation(act, scope.create(
                            Arrays.copyOfRange(pooled, from * channels, to * channels), new Shape(to - from, s[0]))));
                }
                float[] pm = act.transpose(0, 2, 1).toFloatArray();
                System.arraycopy(pm, 0, positionMajor, from * positions * channels, pm.length);
            }
        }
        return new CraftAnalysis.GPasses(crops, positionMajor, deviation);
    }
}
