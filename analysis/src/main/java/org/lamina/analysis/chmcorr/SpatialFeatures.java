package org.lamina.analysis.chmcorr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.Arrays;
import java.util.List;

/**
 * The model's last spatial feature map (spec step 2: "derive G from the model's last feature
 * map"): a probe point of shape {@code [C, G, G]} with G &gt; 1, read with one batched run.
 */
public final class SpatialFeatures {

    private final ProbeableModel model;
    private final ProbePoint point;

    /** The features of {@code model} at {@code pointName}, or at its last spatial point when null. */
    public SpatialFeatures(ProbeableModel model, String pointName) {
        this.model = model;
        this.point = pointName == null ? lastSpatialPoint(model.manifest()) : checked(model.manifest(), pointName);
    }

    /** The last probe point with a square spatial shape {@code [C, G, G]}, G &gt; 1. */
    public static ProbePoint lastSpatialPoint(ModelManifest manifest) {
        List<ProbePoint> points = manifest.probePoints();
        for (int i = points.size() - 1; i >= 0; i--) {
            long[] s = points.get(i).shape();
            if (s.length == 3 && s[1] == s[2] && s[1] > 1) {
                return points.get(i);
            }
        }
        throw new ModelException("model '" + manifest.name() + "' has no probe point with a square spatial feature map "
                + "[C, G, G] (G > 1); CHM-Corr needs a CNN-like last stage. Probe points: " + points);
    }

    private static ProbePoint checked(ModelManifest manifest, String name) {
        ProbePoint p = manifest.probePoint(name);
        long[] s = p.shape();
        if (s.length != 3 || s[1] != s[2] || s[1] < 2) {
            throw new ModelException("probe point '" + name + "' of model '" + manifest.name() + "' has shape "
                    + Arrays.toString(s) + "; CHM-Corr needs a square spatial map [C, G, G] with G > 1");
        }
        return p;
    }

    public ProbeableModel model() {
        return model;
    }

    public ProbePoint point() {
        return point;
    }

    /** C. */
    public int channels() {
        return (int) point.shape()[0];
    }

    /** G. */
    public int grid() {
        return (int) point.shape()[1];
    }

    /** Feature grids of items {@code [from, to)} of a data set (normalised with the model's statistics). */
    public FeatureGrid[] ofItems(Dataset data, int from, int to) {
        ModelManifest mf = model.manifest();
        checkShape(data, mf);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            return grids(m, data.batch(m, from, to, mf.input().mean(), mf.input().std()));
        }
    }

    /** Feature grids of some items (in the order given). */
    public FeatureGrid[] ofItems(Dataset data, int[] items) {
        ModelManifest mf = model.manifest();
        checkShape(data, mf);
        int size = (int) Arrays.stream(mf.input().shape()).reduce(1, (a, b) -> a * b);
        float[] values = new float[items.length * size];
        for (int i = 0; i < items.length; i++) {
            if (items[i] < 0 || items[i] >= data.size()) {
                throw new IllegalArgumentException("item " + items[i] + " outside data set '" + data.name() + "' of "
                        + data.size() + " samples");
            }
            float[] s = data.sample(items[i]).clone();
            org.lamina.analysis.data.ImageInput.normalise(s, mf.input().channels(), mf.input().mean(), mf.input().std());
            System.arraycopy(s, 0, values, i * size, size);
        }
        long[] shape = mf.input().shape();
        long[] full = new long[shape.length + 1];
        full[0] = items.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            return grids(m, m.create(values, new ai.djl.ndarray.types.Shape(full)));
        }
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
        try (Trace t = model.run(m, RunRequest.fromInput(batch).capture(point.name()).build())) {
            float[] flat = t.activation(point.name()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            int b = (int) batch.getShape().get(0);
            int per = channels() * grid() * grid();
            FeatureGrid[] out = new FeatureGrid[b];
            for (int i = 0; i < b; i++) {
                out[i] = FeatureGrid.fromChw(Arrays.copyOfRange(flat, i * per, (i + 1) * per), channels(), grid());
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
