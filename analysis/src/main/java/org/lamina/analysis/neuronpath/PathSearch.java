package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Neuron paths of a chunk of images: the layer-progressive search with the joint attribution
 * score (JAS), the baselines, and JAS(P) of any path (spec "Joint attribution score and
 * layer-progressive search", "Baselines"; Wang et al., ICLR 2025, Eq. 4–6; reference
 * NeuronPath {@code path/joint_attr.py}).
 *
 * <p>With α_k = k/m (k = 0 … m−1, a left Riemann sum), w^l the clean neuron vector of block l and
 * p_l' the neurons already chosen at earlier blocks, block l's search is ONE batched run of
 * (images × m) rows: row (i, k) overwrites the neuron token of every earlier block l' with the
 * clean vector whose path neurons are scaled by α_k, and block l's by α_k·w^l; patch tokens and
 * later blocks are computed normally. The gradients g^l'_k = ∂p(y)/∂(neuron vector at l') come
 * from the same pass, and
 * <pre>JAS_l(j) = [Σ_k (g^l_kj + Σ_l' Σ_{n∈p_l'} g^l'_kn)] × [w^l_j/m + Σ_l' Σ_{n∈p_l'} w^l'_n/m]</pre>
 * p_l = the top-K of JAS_l. The path score reruns with only the path neurons scaled:
 * JAS(P) = (Σ_k Σ_l Σ_{n∈p_l} g^l_kn) × (Σ_l Σ_{n∈p_l} w^l_n / m).
 *
 * <p>Top-K: all K neurons of an earlier block enter both sums (the reference's top-K script keeps
 * only the last of the K there, an indexing slip not copied here). The target class is the
 * image's label, as in the reference.
 */
public final class PathSearch {

    private final ProbeableModel model;
    private final FfnNeurons ffn;
    private final int steps;

    public PathSearch(ProbeableModel model, FfnNeurons ffn, int steps) {
        if (steps < 2) {
            throw new NeuronPathException("--steps must be at least 2 (the Riemann sum needs α = 0 and at least one more "
                    + "point), got " + steps);
        }
        this.model = model;
        this.ffn = ffn;
        this.steps = steps;
    }

    public FfnNeurons neurons() {
        return ffn;
    }

    public int steps() {
        return steps;
    }

    /** The clean forward pass of {@code x} ({@code [n, *input]}, normalised). */
    public CleanPass clean(NDManager mgr, NDArray x, int[] targets) {
        int n = (int) x.getShape().get(0);
        int blocks = ffn.blocks();
        float[][][] rows = new float[n][blocks][];
        float[][][] neurons = new float[n][blocks][];
        float[] base = new float[n];
        int[] predicted = new int[n];
        try (NDManager scope = mgr.newSubManager()) {
            RunRequest.Builder b = RunRequest.fromInput(x).capture(ffn.points());
            try (Trace t = model.run(scope, b.build())) {
                float[] probs = t.logits().softmax(1).toFloatArray();
                int classes = probs.length / n;
                for (int i = 0; i < n; i++) {
                    base[i] = probs[i * classes + targets[i]];
                    predicted[i] = argmax(probs, i * classes, classes);
                }
                for (int l = 0; l < blocks; l++) {
                    NDArray a = t.activation(ffn.points().get(l));
                    float[] r = a.get(new NDIndex(":, {}:{}, :", ffn.firstRow(), ffn.firstRow() + ffn.rows())).toFloatArray();
                    int per = ffn.rows() * ffn.width();
                    for (int i = 0; i < n; i++) {
                        rows[i][l] = Arrays.copyOfRange(r, i * per, (i + 1) * per);
                        neurons[i][l] = sumRows(rows[i][l], ffn.rows(), ffn.width());
                    }
                }
            }
        }
        return new CleanPass(rows, neurons, targets.clone(), base, predicted);
    }

    /**
     * The layer-progressive JAS search: per image, per block, the top-K neurons.
     *
     * @return paths {@code [image][block][K]} and, in {@code jasOut} if not null, JAS_l of the chosen neurons
     */
    public int[][][] searchJas(NDManager mgr, NDArray x, CleanPass clean, int topK, float[][][] jasOut) {
        checkTopK(topK);
        int n = clean.size();
        int blocks = ffn.blocks();
        int[][][] paths = new int[n][blocks][];
        for (int l = 0; l < blocks; l++) {
            final int target = l;
            float[][][] g = scaledGradients(mgr, x, clean, l + 1, (i, b, k) -> b == target
                    ? scaleAll(clean.rows()[i][b], alpha(k)) : scaleNeurons(clean.rows()[i][b], paths[i][b], alpha(k)));
            for (int i = 0; i < n; i++) {
                double c = 0;
                double s = 0;
                for (int b = 0; b < l; b++) {
                    for (int p : paths[i][b]) {
                        c += g[i][b][p];
                        s += clean.neurons()[i][b][p] / steps;
                    }
                }
                float[] w = clean.neurons()[i][l];
                float[] score = new float[ffn.width()];
                for (int j = 0; j < score.length; j++) {
                    score[j] = (float) ((g[i][l][j] + c) * (w[j] / (double) steps + s));
                }
                paths[i][l] = topK(score, topK);
                if (jasOut != null) {
                    float[] chosen = new float[topK];
                    for (int q = 0; q < topK; q++) {
                        chosen[q] = score[paths[i][l][q]];
                    }
                    jasOut[i][l] = chosen;
                }
            }
        }
        return paths;
    }

    /** JAS(P) of each image's path, and the per-block terms (Σ_k g) × (w/m) in {@code blockOut} if not null. */
    public double[] score(NDManager mgr, NDArray x, CleanPass clean, int[][][] paths, double[][] blockOut) {
        int n = clean.size();
        int blocks = ffn.blocks();
        float[][][] g = scaledGradients(mgr, x, clean, blocks,
                (i, b, k) -> scaleNeurons(clean.rows()[i][b], paths[i][b], alpha(k)));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double gs = 0;
            double ws = 0;
            for (int b = 0; b < blocks; b++) {
                double gb = 0;
                double wb = 0;
                for (int p : paths[i][b]) {
                    gb += g[i][b][p];
                    wb += clean.neurons()[i][b][p] / (double) steps;
                }
                gs += gb;
                ws += wb;
                if (blockOut != null) {
                    blockOut[i][b] = gb * wb;
                }
            }
            out[i] = gs * ws;
        }
        return out;
    }

    /** Baseline: the top-K clean activations per block. */
    public int[][][] activationPaths(CleanPass clean, int topK) {
        checkTopK(topK);
        int[][][] out = new int[clean.size()][ffn.blocks()][];
        for (int i = 0; i < clean.size(); i++) {
            for (int b = 0; b < ffn.blocks(); b++) {
                out[i][b] = topK(clean.neurons()[i][b], topK);
            }
        }
        return out;
    }

    /** Baseline: single-neuron integrated gradients (only block l scaled, 0 → w^l), top-K per block. */
    public int[][][] igPaths(NDManager mgr, NDArray x, CleanPass clean, int topK) {
        checkTopK(topK);
        int n = clean.size();
        int[][][] out = new int[n][ffn.blocks()][];
        for (int l = 0; l < ffn.blocks(); l++) {
            final int target = l;
            float[][][] g = scaledGradients(mgr, x, clean, l + 1, (i, b, k) -> b == target
                    ? scaleAll(clean.rows()[i][b], alpha(k)) : null);
            for (int i = 0; i < n; i++) {
                float[] ig = new float[ffn.width()];
                for (int j = 0; j < ig.length; j++) {
                    ig[j] = (float) (g[i][l][j] * clean.neurons()[i][l][j] / steps);
                }
                out[i][l] = topK(ig, topK);
            }
        }
        return out;
    }

    /**
     * Baseline: influence pattern — the input scaled α_k·x (k = 0 … m−1) in one batched run, the
     * gradient at every block's neurons averaged over the steps, top-K per block.
     */
    public int[][][] influencePaths(NDManager mgr, NDArray x, CleanPass clean, int topK) {
        checkTopK(topK);
        int n = clean.size();
        int m = steps;
        try (NDManager scope = mgr.newSubManager()) {
            NDArray rep = x.repeat(0, m);
            float[] a = new float[n * m];
            for (int r = 0; r < a.length; r++) {
                a[r] = alpha(r % m);
            }
            long[] shape = rep.getShape().getShape();
            long[] aShape = new long[shape.length];
            Arrays.fill(aShape, 1);
            aShape[0] = n * m;
            NDArray scaled = rep.mul(scope.create(a, new ai.djl.ndarray.types.Shape(aShape)));
            RunRequest.Builder b = RunRequest.fromInput(scaled).objective(Objective.classProbability(repeatTargets(clean.targets(), m)));
            b.gradientAt(ffn.points().toArray(String[]::new));
            int[][][] out = new int[n][ffn.blocks()][];
            try (Trace t = model.run(scope, b.build())) {
                for (int l = 0; l < ffn.blocks(); l++) {
                    float[][] g = neuronGradients(t.gradient(ffn.points().get(l)), clean, l, n, m);
                    for (int i = 0; i < n; i++) {
                        out[i][l] = topK(g[i], topK);
                    }
                }
            }
            return out;
        }
    }

    /** Baseline: K distinct random neurons per block, seeded per image (independent of chunking). */
    public int[][][] randomPaths(int[] imageIds, long seed, int topK) {
        checkTopK(topK);
        int[][][] out = new int[imageIds.length][ffn.blocks()][];
        for (int i = 0; i < imageIds.length; i++) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + imageIds[i]);
            for (int b = 0; b < ffn.blocks(); b++) {
                out[i][b] = rnd.ints(0, ffn.width()).distinct().limit(topK).toArray();
            }
        }
        return out;
    }

    /** Values to write into block b's neuron rows for image i at step k, or null to leave b alone. */
    @FunctionalInterface
    interface StepValues {
        float[] at(int image, int block, int step);
    }

    /**
     * One batched run of (images × m) rows with the given overwrites at blocks 0 … count−1 and the
     * gradient there; returns per image and block the neuron gradients summed over the m steps.
     */
    private float[][][] scaledGradients(NDManager mgr, NDArray x, CleanPass clean, int count, StepValues values) {
        int n = clean.size();
        int m = steps;
        int batch = n * m;
        int per = ffn.rows() * ffn.width();
        try (NDManager scope = mgr.newSubManager()) {
            RunRequest.Builder b = RunRequest.fromInput(x.repeat(0, m))
                    .objective(Objective.classProbability(repeatTargets(clean.targets(), m)));
            boolean[] used = new boolean[count];
            for (int blk = 0; blk < count; blk++) {
                float[] all = new float[batch * per];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < m; k++) {
                        float[] v = values.at(i, blk, k);
                        if (v != null) {
                            System.arraycopy(v, 0, all, (i * m + k) * per, per);
                            any = true;
                        }
                    }
                }
                if (!any) {
                    continue;
                }
                used[blk] = true;
                String point = ffn.points().get(blk);
                b.scale(point, ffn.overwriteMask(scope, batch)).perturb(point, ffn.overwriteValues(scope, batch, all))
                        .gradientAt(point);
            }
            float[][][] out = new float[n][count][];
            try (Trace t = model.run(scope, b.build())) {
                for (int blk = 0; blk < count; blk++) {
                    if (!used[blk]) {
                        continue;
                    }
                    float[][] g = neuronGradients(t.gradient(ffn.points().get(blk)), clean, blk, n, m);
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < g[i].length; j++) {
                            g[i][j] *= m; // neuronGradients averages; the sums need Σ_k
                        }
                        out[i][blk] = g[i];
                    }
                }
            }
            return out;
        }
    }

    /**
     * Per image, the step-mean gradient w.r.t. each neuron at block {@code blk}: the CLS row, or
     * for patch sums Σ_t g_tj a_tj / s_j (chain rule for scaling the channel on every token).
     */
    private float[][] neuronGradients(NDArray grad, CleanPass clean, int blk, int n, int m) {
        int rows = ffn.rows();
        int width = ffn.width();
        float[] g = grad.get(new NDIndex(":, {}:{}, :", ffn.firstRow(), ffn.firstRow() + rows)).toFloatArray();
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            float[] a = clean.rows()[i][blk];
            float[] s = clean.neurons()[i][blk];
            for (int k = 0; k < m; k++) {
                int base = (i * m + k) * rows * width;
                for (int j = 0; j < width; j++) {
                    if (rows == 1) {
                        out[i][j] += g[base + j];
                    } else {
                        double acc = 0;
                        for (int t = 0; t < rows; t++) {
                            acc += g[base + t * width + j] * a[t * width + j];
                        }
                        out[i][j] += Math.abs(s[j]) < 1e-12 ? 0f : (float) (acc / s[j]);
                    }
                }
            }
            for (int j = 0; j < width; j++) {
                out[i][j] /= m;
            }
        }
        return out;
    }

    private float alpha(int k) {
        return (float) k / steps;
    }

    private float[] scaleAll(float[] rows, float a) {
        float[] v = new float[rows.length];
        for (int q = 0; q < v.length; q++) {
            v[q] = rows[q] * a;
        }
        return v;
    }

    private float[] scaleNeurons(float[] rows, int[] neurons, float a) {
        float[] v = rows.clone();
        int width = ffn.width();
        for (int t = 0; t < ffn.rows(); t++) {
            for (int p : neurons) {
                v[t * width + p] *= a;
            }
        }
        return v;
    }

    private void checkTopK(int k) {
        if (k < 1 || k > ffn.width()) {
            throw new NeuronPathException("--top-k must be between 1 and the FFN width " + ffn.width() + " ("
                    + ffn.points().get(0) + " has " + ffn.width() + " neurons), got " + k);
        }
    }

    static int[] repeatTargets(int[] targets, int m) {
        int[] out = new int[targets.length * m];
        for (int r = 0; r < out.length; r++) {
            out[r] = targets[r / m];
        }
        return out;
    }

    static float[] sumRows(float[] rows, int count, int width) {
        if (count == 1) {
            return rows.clone();
        }
        float[] s = new float[width];
        for (int t = 0; t < count; t++) {
            for (int j = 0; j < width; j++) {
                s[j] += rows[t * width + j];
            }
        }
        return s;
    }

    /** Indices of the K largest values, largest first; ties to the lower index; NaN ranks last. */
    static int[] topK(float[] values, int k) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            float va = Float.isNaN(values[a]) ? Float.NEGATIVE_INFINITY : values[a];
            float vb = Float.isNaN(values[b]) ? Float.NEGATIVE_INFINITY : values[b];
            int c = Float.compare(vb, va);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    static int argmax(float[] v, int from, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) {
            if (v[from + j] > v[from + best]) {
                best = j;
            }
        }
        return best;
    }
}
