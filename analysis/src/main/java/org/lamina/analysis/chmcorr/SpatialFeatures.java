package org.lamina.analysis.chmcorr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.SpatialLayout;
import org.lamina.analysis.model.Trace;

import java.util.Arrays;
import java.util.List;

/**
 * The model's feature grid (spec step 2: "derive G from the model's last feature map"): a probe
 * point that {@link SpatialLayout} reads as a square G × G map — a CNN's {@code [C, G, G]}, or a
 * ViT's residual-stream patch tokens {@code [G·G(+1), D]} on its patch grid (class token dropped)
 * — read with batched runs.
 */
public final class SpatialFeatures {

    private final ProbeableModel model;
    private final SpatialLayout layout;

    /** The features of {@code model} at {@code pointName}, or at {@link #defaultLayout} when null. */
    public SpatialFeatures(ProbeableModel model, String pointName) {
        model.manifest().requireNotLanguageModel("CHM-Corr");
        this.model = model;
        this.layout = pointName == null ? defaultLayout(model.manifest()) : checked(model.manifest(), pointName);
    }

    /** The point of {@link #defaultLayout}. */
    public static ProbePoint lastSpatialPoint(ModelManifest manifest) {
        return defaultLayout(manifest).point();
    }

    /**
     * The default grid: on a ViT the last block's output ({@code blocks.i}, the largest i) on the
     * patch grid; otherwise the last square spatial map.
     */
    public static SpatialLayout defaultLayout(ModelManifest manifest) {
        List<SpatialLayout> square = usable(manifest);
        if (square.isEmpty()) {
            throw new ModelException("model '" + manifest.name() + "' has no probe point that is a square spatial feature "
                    + "map (a CNN map [C, G, G], G > 1, or ViT patch tokens on a square patchGrid); CHM-Corr needs one. "
                    + "Probe points: " + manifest.probePoints());
        }
        SpatialLayout block = null;
        for (SpatialLayout l : square) {
            if (l.kind() == SpatialLayout.Kind.TOKENS && l.point().name().matches("blocks\\.\\d+")) {
                block = l;
            }
        }
        return block != null ? block : square.get(square.size() - 1);
    }

    /** The points CHM-Corr can use: spatial maps ({@link SpatialLayout}) with a square grid, G > 1. */
    public static List<SpatialLayout> usable(ModelManifest manifest) {
        return SpatialLayout.all(manifest).stream().filter(l -> l.square() && l.rows() > 1).toList();
    }

    private static SpatialLayout checked(ModelManifest manifest, String name) {
        ProbePoint p = manifest.probePoint(name);
        SpatialLayout l = SpatialLayout.of(manifest, p).orElse(null);
        if (l == null) {
            throw new ModelException("probe point '" + name + "' of model '" + manifest.name() + "' has shape "
                    + Arrays.toString(p.shape()) + ", which is not a square spatial map: CHM-Corr needs a CNN map [C, G, G] or "
                    + "the residual-stream patch tokens of a ViT on its patch grid (attention probabilities and a block's "
                    + ".attn./.mlp. points are not spatial maps); usable points: "
                    + usable(manifest).stream().map(u -> u.point().name()).toList());
        }
        if (!l.square() || l.rows() < 2) {
            throw new ModelException("probe point '" + name + "' of model '" + manifest.name() + "' is a " + l.rows() + "×"
                    + l.cols() + " map; CHM-Corr needs a square spatial map (G × G, G > 1); usable points: "
                    + usable(manifest).stream().map(u -> u.point().name()).toList());
        }
        return l;
    }

    public ProbeableModel model() {
        return model;
    }

    public ProbePoint point() {
        return layout.point();
    }

    /** How the point's activation is read as the grid. */
    public SpatialLayout layout() {
        return layout;
    }

    /** C. */
    public int channels() {
        return layout.channels();
    }

    /** G. */
    public int grid() {
        return layout.rows();
    }

    /** Feature grids of items {@code [from, to)} of a data set (normalised with the model's statistics). */
    public FeatureGrid[] ofItems(Dataset data, int from, int to) {
        ModelManifest mf = model.manifest();
        checkShape(data, mf);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            return grids(m, data.batch(m, from, to, mf.input().mean(), mf.input().std()));
        }
    }

    /**
     * Feature grids of some items (in the order given), in forward batches of the memory budget
     * ({@link BatchPlanner#forwardBatchSize}): a ViT-B/16 shortlist of 50 exemplars is 50 × 197 × 768
     * activations, which a batch at a time keeps bounded.
     */
    public FeatureGrid[] ofItems(Dataset data, int[] items) {
        ModelManifest mf = model.manifest();
        checkShape(data, mf);
        int size = (int) Arrays.stream(mf.input().shape()).reduce(1, (a, b) -> a * b);
        int batch = Math.max(1, BatchPlanner.forwardBatchSize(mf, model.device()));
        FeatureGrid[] out = new FeatureGrid[items.length];
        for (int from = 0; from < items.length; from += batch) {
            int to = Math.min(items.length, from + batch);
            float[] values = new float[(to - from) * size];
            for (int i = from; i < to; i++) {
                if (items[i] < 0 || items[i] >= data.size()) {
                    throw new IllegalArgumentException("item " + items[i] + " outside data set '" + data.name() + "' of "
                            + data.size() + " samples");
                }
                float[] s = data.sample(items[i]).clone();
                org.lamina.analysis.data.ImageInput.normalise(s, mf.input().channels(), mf.input().mean(), mf.input().std());
                System.arraycopy(s, 0, values, (i - from) * size, size);
            }
            long[] shape = mf.input().shape();
            long[] full = new long[shape.length + 1];
            full[0] = to - from;
            System.arraycopy(shape, 0, full, 1, shape.length);
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                FeatureGrid[] got = grids(m, m.create(values, new ai.djl.ndarray.types.Shape(full)));
                System.arraycopy(got, 0, out, from, got.length);
            }
        }
        return out;
    }

    /** Feature grid of one already normalised input {@code [*inputShape]}. */
    public FeatureGrid ofNormalisedInput(float[] input) {
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            long[] shape = model.manifest().input().shape();
            long[] full = new long[shape.length + 1];
            full[0] = 1;
            System.arraycopy(shape, 0, full, 1, shape.length);
            return grids(m, m.create(input, new ai.djl.ndarray.types.Shape(full)))[0];
        }
    }

    private FeatureGrid[] grids(NDManager m, NDArray batch) {
        String name = layout.point().name();
        try (Trace t = model.run(m, RunRequest.fromInput(batch).capture(name).build())) {
            float[] flat = t.activation(name).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            int b = (int) batch.getShape().get(0);
            int per = layout.sampleSize();
            FeatureGrid[] out = new FeatureGrid[b];
            for (int i = 0; i < b; i++) {
                float[] cells = new float[layout.positions() * channels()];
                layout.positionMajor(flat, i * per, cells, 0);
                out[i] = FeatureGrid.fromPositionMajor(cells, channels(), grid());
            }
            return out;
        }
    }

    static void checkShape(Dataset data, ModelManifest mf) {
        if (!Arrays.equals(data.sampleShape(), mf.input().shape())) {
            throw new ModelException("data set '" + data.name() + "' has samples of shape " + Arrays.toString(data.sampleShape())
                    + " but model '" + mf.name() + "' expects " + Arrays.toString(mf.input().shape()));
        }
    }
}
