package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

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
 * only the last of the K there, an indexing slip not copied here), so top-K scores are not
 * comparable with the paper's top-K figures. The target class is the image's label, as in the
 * reference.
 *
 * <p>{@link TokenMode#PATCH_SUM} (global-pool models): as the reference does for them, the joint
 * score is computed per patch token and summed over tokens. Each patch token t is a "unit" that
 * gets the CLS form's m scaled runs with token t's FFN vector in place of the CLS row (only token
 * t is overwritten; the other tokens are computed normally), and
 * <pre>JAS_l(j) = Σ_t [Σ_k (g^l_ktj + Σ_l' Σ_{n∈p_l'} g^l'_ktn)] × [w^l_tj/m + Σ_l' Σ_{n∈p_l'} w^l'_tn/m]</pre>
 * likewise JAS(P) = Σ_t (Σ_k Σ_l Σ_{n∈p_l} g^l_ktn) × (Σ_l Σ_{n∈p_l} w^l_tn / m) and the IG
 * baseline Σ_t Σ_k g^l_ktj w^l_tj / m. (Lamina's first version treated the channel sum over patch
 * tokens as one neuron and divided by it, which favours channels whose sum is near 0.) The
 * (image, token) units of a chunk are batched into runs of at most {@link #rowBudget} rows, so a
 * patch-sum search costs (tokens − 1) × the CLS search in compute but not in memory.
 */
public final class PathSearch {

    private final ProbeableModel model;
    private final FfnNeurons ffn;
    private final int steps;
    private final int rowBudget;

    /** A search with the default row budget (half the gradient batch the memory budget allows). */
    public PathSearch(ProbeableModel model, FfnNeurons ffn, int steps) {
        this(model, ffn, steps, Math.max(1, org.lamina.analysis.model.BatchPlanner.batchSize(model.manifest(), true) / 2));
    }

    /**
     * @param rowBudget most rows (units × m) in one scaled run; a run always holds at least one
     *                  unit's m rows (a unit is an image in CLS mode, an (image, patch token) in
     *                  PATCH_SUM mode)
     */
    public PathSearch(ProbeableModel model, FfnNeurons ffn, int steps, int rowBudget) {
        if (steps < 2) {
            throw new NeuronPathException("--steps must be at least 2 (the Riemann sum needs α = 0 and at least one more "
                    + "point), got " + steps);
        }
        if (rowBudget < 1) {
            throw new NeuronPathException("row budget must be at least 1, got " + rowBudget);
        }
        this.model = model;
        this.ffn = ffn;
        this.steps = steps;
        this.rowBudget = rowBudget;
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
        int units = ffn.rows();
        int width = ffn.width();
        int[][][] paths = new int[n][blocks][];
        for (int l = 0; l < blocks; l++) {
            final int target = l;
            float[][][][] g = scaledGradients(mgr, x, clean, l + 1, (i, u, b, k) -> b == target
                    ? scaleAll(unitRow(clean, i, u, b), alpha(k)) : scaleNeurons(unitRow(clean, i, u, b), paths[i][b], alpha(k)));
            for (int i = 0; i < n; i++) {
                double[] sum = new double[width];
                for (int u = 0; u < units; u++) {
                    double c = 0;
                    double s = 0;
                    for (int b = 0; b < l; b++) {
                        for (int p : paths[i][b]) {
                            c += g[i][u][b][p];
                            s += unitValue(clean, i, u, b, p) / steps;
                        }
                    }
                    float[] gl = g[i][u][l];
                    int off = u * width;
                    float[] w = clean.rows()[i][l];
                    for (int j = 0; j < width; j++) {
                        sum[j] += (gl[j] + c) * (w[off + j] / (double) steps + s);
                    }
                }
                float[] score = new float[width];
                for (int j = 0; j < width; j++) {
                    score[j] = (float) sum[j];
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

    /**
     * JAS(P) of each image's path, and the per-block terms (Σ_k g) × (w/m) in {@code blockOut} if
     * not null (summed over patch tokens in PATCH_SUM mode). The block terms are NOT an additive
     * split of JAS(P): it is (Σ_l g_l) × (Σ_l w_l/m), whose cross terms between blocks are left out
     * of them (on the sample ViTs the block terms add up to about 14 % of JAS(P) on average).
     */
    public double[] score(NDManager mgr, NDArray x, CleanPass clean, int[][][] paths, double[][] blockOut) {
        int n = clean.size();
        int blocks = ffn.blocks();
        int units = ffn.rows();
        float[][][][] g = scaledGradients(mgr, x, clean, blocks,
                (i, u, b, k) -> scaleNeurons(unitRow(clean, i, u, b), paths[i][b], alpha(k)));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < units; u++) {
                double gs = 0;
                double ws = 0;
                for (int b = 0; b < blocks; b++) {
                    double gb = 0;
                    double wb = 0;
                    for (int p : paths[i][b]) {
                        gb += g[i][u][b][p];
                        wb += unitValue(clean, i, u, b, p) / (double) steps;
                    }
                    gs += gb;
                    ws += wb;
                    if (blockOut != null) {
                        blockOut[i][b] += gb * wb;
                    }
                }
                out[i] += gs * ws;
            }
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

    /**
     * Baseline: single-neuron integrated gradients (only block l scaled, 0 → w^l), top-K per block;
     * in PATCH_SUM mode per patch token (only that token scaled) and summed over tokens.
     */
    public int[][][] igPaths(NDManager mgr, NDArray x, CleanPass clean, int topK) {
        checkTopK(topK);
        int n = clean.size();
        int units = ffn.rows();
        int width = ffn.width();
        int[][][] out = new int[n][ffn.blocks()][];
        for (int l = 0; l < ffn.blocks(); l++) {
            final int target = l;
            float[][][][] g = scaledGradients(mgr, x, clean, l + 1, (i, u, b, k) -> b == target
                    ? scaleAll(unitRow(clean, i, u, b), alpha(k)) : null);
            for (int i = 0; i < n; i++) {
                double[] sum = new double[width];
                float[] w = clean.rows()[i][l];
                for (int u = 0; u < units; u++) {
                    for (int j = 0; j < width; j++) {
                        sum[j] += g[i][u][l][j] * w[u * width + j] / (double) steps;
                    }
                }
                float[] ig = new float[width];
                for (int j = 0; j < width; j++) {
                    ig[j] = (float) sum[j];
                }
                out[i][l] = topK(ig, topK);
            }
        }
        return out;
    }

    /**
     * Baseline: influence pattern — the input scaled α_k·x (k = 0 … m−1) in one batched run, the
     * gradient at every block's neurons averaged over the steps, top-K per block. In PATCH_SUM
     * mode the gradient of a channel is summed over the patch tokens (the gradient of adding the
     * same amount to the channel on every patch token).
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
                    float[][] g = neuronGradients(t.gradient(ffn.points().get(l)), n, m);
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

    /**
     * Values to write into block b's neuron row of unit u of image i at step k ({@code [width]}),
     * or null to leave b alone (the same for every unit of a run).
     */
    @FunctionalInterface
    interface StepValues {
        float[] at(int image, int unit, int block, int step);
    }

    /** Unit u's clean row of image i at block b ({@code [width]}): the CLS row, or patch token u + 1. */
    private float[] unitRow(CleanPass clean, int i, int u, int b) {
        int width = ffn.width();
        return Arrays.copyOfRange(clean.rows()[i][b], u * width, (u + 1) * width);
    }

    private float unitValue(CleanPass clean, int i, int u, int b, int j) {
        return clean.rows()[i][b][u * ffn.width() + j];
    }

    /**
     * The scaled runs of every (image, unit) with the given overwrites at blocks 0 … count−1 and
     * the gradient there, batched into runs of at most {@link #rowBudget} rows (whole units of m
     * rows); row (unit, k) overwrites only its unit's token. Returns per image, unit and block
     * the gradients w.r.t. that token's neurons summed over the m steps ({@code [width]}; null for
     * blocks left alone).
     */
    private float[][][][] scaledGradients(NDManager mgr, NDArray x, CleanPass clean, int count, StepValues values) {
        int n = clean.size();
        int m = steps;
        int units = ffn.rows();
        int width = ffn.width();
        int tokens = ffn.tokens();
        int perRun = Math.max(1, rowBudget / m);
        float[][][][] out = new float[n][units][count][];
        int total = n * units;
        for (int from = 0; from < total; from += perRun) {
            int to = Math.min(total, from + perRun);
            int batch = (to - from) * m;
            try (NDManager scope = mgr.newSubManager()) {
                int[] imageOf = new int[to - from];
                for (int q = 0; q < imageOf.length; q++) {
                    imageOf[q] = (from + q) / units;
                }
                ai.djl.ndarray.NDList picked = new ai.djl.ndarray.NDList();
                for (int i : imageOf) {
                    picked.add(x.get(new NDIndex("{}:{}", i, i + 1)));
                }
                NDArray rows = ai.djl.ndarray.NDArrays.concat(picked, 0).repeat(0, m); // row (q, k) at q·m + k
                int[] targets = new int[batch];
                for (int r = 0; r < batch; r++) {
                    targets[r] = clean.targets()[imageOf[r / m]];
                }
                RunRequest.Builder b = RunRequest.fromInput(rows).objective(Objective.classProbability(targets));
                boolean[] used = new boolean[count];
                for (int blk = 0; blk < count; blk++) {
                    float[] mask = new float[batch * tokens * width];
                    float[] add = new float[batch * tokens * width];
                    Arrays.fill(mask, 1f);
                    boolean any = false;
                    for (int q = 0; q < to - from; q++) {
                        int i = imageOf[q];
                        int u = (from + q) % units;
                        int token = ffn.firstRow() + u;
                        for (int k = 0; k < m; k++) {
                            float[] v = values.at(i, u, blk, k);
                            if (v == null) {
                                continue;
                            }
                            int at = ((q * m + k) * tokens + token) * width;
                            Arrays.fill(mask, at, at + width, 0f);
                            System.arraycopy(v, 0, add, at, width);
                            any = true;
                        }
                    }
                    if (!any) {
                        continue;
                    }
                    used[blk] = true;
                    String point = ffn.points().get(blk);
                    Shape shape = new Shape(batch, tokens, width);
                    b.scale(point, scope.create(mask, shape)).perturb(point, scope.create(add, shape)).gradientAt(point);
                }
                try (Trace t = model.run(scope, b.build())) {
                    for (int blk = 0; blk < count; blk++) {
                        if (!used[blk]) {
                            continue;
                        }
                        float[] g = t.gradient(ffn.points().get(blk)).toFloatArray();
                        for (int q = 0; q < to - from; q++) {
                            int token = ffn.firstRow() + (from + q) % units;
                            float[] sum = new float[width];
                            for (int k = 0; k < m; k++) {
                                int at = ((q * m + k) * tokens + token) * width;
                                for (int j = 0; j < width; j++) {
                                    sum[j] += g[at + j];
                                }
                            }
                            out[imageOf[q]][(from + q) % units][blk] = sum;
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Per image, the step-mean gradient w.r.t. each neuron at block {@code blk} (influence
     * pattern): the CLS row, or in PATCH_SUM mode the sum over the patch tokens.
     */
    private float[][] neuronGradients(NDArray grad, int n, int m) {
        int rows = ffn.rows();
        int width = ffn.width();
        float[] g = grad.get(new NDIndex(":, {}:{}, :", ffn.firstRow(), ffn.firstRow() + rows)).toFloatArray();
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                int base = (i * m + k) * rows * width;
                for (int t = 0; t < rows; t++) {
                    for (int j = 0; j < width; j++) {
                        out[i][j] += g[base + t * width + j];
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

    /** One unit's row ({@code [width]}) with only {@code neurons} scaled by a. */
    private static float[] scaleNeurons(float[] row, int[] neurons, float a) {
        float[] v = row.clone();
        for (int p : neurons) {
            v[p] *= a;
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
