package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbePoint;
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
 *
 * <p>Memory: the (unit, step) rows of all units are cut into runs of at most {@link #rowBudget}
 * rows whatever m is ({@link #withinBudget} sizes them from a byte budget); only the neuron rows
 * of each gradient are copied out of native memory, and per-run tensors are released with the
 * run's manager scope. Cancellation is checked before every run.
 */
public final class PathSearch {

    private final ProbeableModel model;
    private final FfnNeurons ffn;
    private final int steps;
    private final int rowBudget;
    private ProgressSink progress = ProgressSink.none();
    private String prefix = "";
    private String phase = "";

    /** A search with the default row budget (half the gradient batch the memory budget allows). */
    public PathSearch(ProbeableModel model, FfnNeurons ffn, int steps) {
        this(model, ffn, steps, Math.max(1, BatchPlanner.batchSize(model.manifest(), true) / 2));
    }

    /**
     * @param rowBudget most rows (unit × step) in one scaled run; a unit's m steps may span runs
     *                  (a unit is an image in CLS mode, an (image, patch token) in PATCH_SUM mode)
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

    /**
     * A search whose scaled runs fit {@code budgetBytes} ({@link #rowsWithin}); e.g. ViT-B/16 (12
     * blocks, 197 tokens, 3,072 neurons) gets 8 rows a run under 4 GiB, fashion-vit hundreds.
     */
    public static PathSearch withinBudget(ProbeableModel model, FfnNeurons ffn, int steps, long budgetBytes) {
        return new PathSearch(model, ffn, steps, Math.min(rowsWithin(model, ffn, budgetBytes), rowsForCancel(model, ffn)));
    }

    /**
     * Work (parameters × tokens) of one row that a CPU run may hold, so that a cancel, checked
     * between runs, takes effect within about half a second (issue #21: "cancel within a second").
     * libtorch cannot be interrupted inside a call, so the bound on cancel latency is the length
     * of one run. Calibration (ViT-B/16 shapes, 86.6 M parameters × 197 tokens = 1.7e10 per row;
     * 2-core AMD EPYC, 2026-12-05): a run of 8 rows took 3.6–3.8 s, i.e. about 0.46 s a row, so
     * 2e10 gives ViT-B/16 one row a run (≈ 0.5 s) and leaves the small samples (fashion-vit:
     * hundreds of rows) bounded by memory only. On a GPU runs are short and large batches are what
     * make it fast, so only the memory budget applies there.
     */
    static final double CPU_WORK_PER_RUN = 2e10;

    /** Rows a run may hold for cancel latency: unbounded on a GPU, {@link #CPU_WORK_PER_RUN} on a CPU. At least 1. */
    public static int rowsForCancel(ProbeableModel model, FfnNeurons ffn) {
        return rowsForCancel(model.device().isGpu(), model.parameterCount(), ffn.tokens());
    }

    /** {@link #rowsForCancel(ProbeableModel, FfnNeurons)} from the model's size and token count. */
    static int rowsForCancel(boolean gpu, long parameters, int tokens) {
        if (gpu) {
            return Integer.MAX_VALUE / 2;
        }
        double perRow = (double) parameters * tokens;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, Math.floor(CPU_WORK_PER_RUN / perRow)));
    }

    /**
     * Bytes of the process outside the runs and the weights: JVM, libtorch's runtime and buffers.
     * Measured fixed part 366 MB (see {@link #rowsWithin}), rounded up to 512 MiB.
     */
    static final long RUNTIME_BYTES = 512L << 20;

    /**
     * Rows (unit × step) of one scaled run that fit {@code budgetBytes}, the budget being for the
     * whole process: less the weights (float32) and {@link #RUNTIME_BYTES}, divided by a row's
     * cost — every probe point's activation kept for the backward plus its gradient
     * ({@link BatchPlanner#bytesPerSample}, 3 floats a value) and, per block, the scale mask, the
     * addend, the gradient leaf and its gradient (4 × tokens × width floats), times 1.3 for
     * autograd's other saved tensors. At least 1.
     *
     * <p>Calibration (ViT-B/16 shapes, 12 × 3,072 neurons, 197 tokens, 346 MB of weights; CPU,
     * peak RSS from {@code /usr/bin/time -v ./lamina neuronpath …}, 2026-12-05): 1.46 GB at 2 rows a
     * run and 5.19 GB at 12, i.e. a fixed 0.71 GB (weights + 366 MB runtime) and 373 MB a row,
     * where the estimate above without the factor says 298 MB a row: measured/estimated 1.25.
     * The constants are those measurements rounded up (1.25 → 1.3, 366 MB → 512 MiB), because
     * glibc's arenas vary between runs (3.81 GB and 4.11 GB in two runs at 8 rows). Check
     * with the same rule: under {@code --memory 4g} ViT-B/16 gets 8 rows a run and the whole run
     * at the default m = 20 peaked at 4,014,116 KiB (3.83 GiB, 4.11 GB).
     */
    public static int rowsWithin(ProbeableModel model, FfnNeurons ffn, long budgetBytes) {
        long estimate = BatchPlanner.bytesPerSample(model.manifest(), true)
                + 4L * ffn.blocks() * ffn.tokens() * ffn.width() * Float.BYTES;
        long perRow = estimate * 13 / 10;
        long free = budgetBytes - model.parameterCount() * Float.BYTES - RUNTIME_BYTES;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, free / perRow));
    }

    /** Most rows (unit × step) in one scaled run. */
    public int rowBudget() {
        return rowBudget;
    }

    /**
     * Reports every scaled run to {@code sink} ({@code advance} by its rows; a message naming the
     * method, block and step, prefixed by {@code context}) and checks it for cancellation before
     * each run.
     */
    public PathSearch reportTo(ProgressSink sink, String context) {
        this.progress = sink;
        this.prefix = context.isEmpty() ? "" : context + " · ";
        return this;
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
        java.util.Set<String> startNames = new java.util.LinkedHashSet<>();
        for (int l = 0; l < blocks; l++) {
            String s = startPoint(l);
            if (s != null) {
                startNames.add(s);
            }
        }
        java.util.Map<String, NDArray> starts = new java.util.LinkedHashMap<>();
        try (NDManager scope = mgr.newSubManager()) {
            RunRequest.Builder b = RunRequest.fromInput(x).capture(ffn.points()).capture(startNames.toArray(String[]::new));
            try (Trace t = model.run(scope, b.build())) {
                for (String s : startNames) {
                    NDArray a = t.activation(s).duplicate();
                    a.attach(mgr);
                    starts.put(s, a);
                }
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
        return new CleanPass(rows, neurons, targets.clone(), base, predicted, x, starts);
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
            phase = prefix + "JAS block " + (l + 1) + " of " + blocks;
            float[][][][] g = scaledGradients(mgr, clean, 0, l + 1, (i, u, b, k) -> b == target
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
        phase = prefix + "path score";
        float[][][][] g = scaledGradients(mgr, clean, 0, blocks,
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
            phase = prefix + "IG block " + (l + 1) + " of " + ffn.blocks();
            float[][][][] g = scaledGradients(mgr, clean, l, l + 1, (i, u, b, k) -> b == target
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
        int blocks = ffn.blocks();
        int rows = ffn.rows();
        int width = ffn.width();
        phase = prefix + "influence pattern";
        float[][][] sums = new float[n][blocks][width];
        // (image, step) rows, image-major, in runs of at most rowBudget rows.
        for (int from = 0; from < n * m; from += rowBudget) {
            progress.checkCancelled();
            int batch = Math.min(rowBudget, n * m - from);
            try (NDManager scope = mgr.newSubManager()) {
                long[] image = new long[batch];
                float[] a = new float[batch];
                int[] targets = new int[batch];
                for (int r = 0; r < batch; r++) {
                    image[r] = (from + r) / m;
                    a[r] = alpha((from + r) % m);
                    targets[r] = clean.targets()[(int) image[r]];
                }
                NDArray rep = x.get(scope.create(image));
                long[] aShape = new long[rep.getShape().dimension()];
                Arrays.fill(aShape, 1);
                aShape[0] = batch;
                NDArray scaled = rep.mul(scope.create(a, new Shape(aShape)));
                RunRequest.Builder b = RunRequest.fromInput(scaled).objective(Objective.classProbability(targets));
                b.gradientAt(ffn.points().toArray(String[]::new));
                try (Trace t = model.run(scope, b.build())) {
                    for (int l = 0; l < blocks; l++) {
                        float[] g = t.gradient(ffn.points().get(l))
                                .get(new NDIndex(":, {}:{}, :", ffn.firstRow(), ffn.firstRow() + rows)).toFloatArray();
                        for (int r = 0; r < batch; r++) {
                            float[] s = sums[(int) image[r]][l];
                            for (int t2 = 0; t2 < rows; t2++) {
                                int at = (r * rows + t2) * width;
                                for (int j = 0; j < width; j++) {
                                    s[j] += g[at + j];
                                }
                            }
                        }
                    }
                }
            }
            progress.advance((long) batch * rows);
            progress.message(phase);
        }
        int[][][] out = new int[n][blocks][];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < blocks; l++) {
                float[] g = sums[i][l];
                for (int j = 0; j < width; j++) {
                    g[j] /= m;
                }
                out[i][l] = topK(g, topK);
            }
        }
        return out;
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
     * the gradient there. The (unit, step) rows — unit-major, row (q, k) at q·m + k — are cut into
     * runs of at most {@link #rowBudget} rows, so one unit's m steps may span several runs and a
     * run's memory never depends on m (ViT-B/16 with m = 20 held every step of an image at once and
     * peaked at 9.4 GB). Each run starts, with {@code run_from}, at the last startable point before
     * the first block it overwrites (its clean value from {@link #clean}), so a run that leaves
     * the first blocks alone (the IG baseline at block l) neither recomputes nor back-propagates
     * through them. Row (unit, k) overwrites only its unit's token. Cancellation is checked and
     * progress reported per run. Returns per image, unit and block the gradients w.r.t. that
     * token's neurons summed over the m steps ({@code [width]}; null for blocks left alone); the
     * sums do not depend on how the rows were cut (up to float rounding).
     *
     * @param firstBlock the first block any step overwrites (the run may start after the blocks before it)
     */
    private float[][][][] scaledGradients(NDManager mgr, CleanPass clean, int firstBlock, int count, StepValues values) {
        int n = clean.size();
        int m = steps;
        int units = ffn.rows();
        int width = ffn.width();
        int tokens = ffn.tokens();
        float[][][][] out = new float[n][units][count][];
        long totalRows = (long) n * units * m;
        String start = startPoint(firstBlock);
        for (long from = 0; from < totalRows; from += rowBudget) {
            progress.checkCancelled();
            int batch = (int) Math.min(rowBudget, totalRows - from);
            try (NDManager scope = mgr.newSubManager()) {
                int[] unitOf = new int[batch];   // flat unit index (image · units + u) of each row
                int[] stepOf = new int[batch];
                int[] targets = new int[batch];
                float[] onehot = new float[batch * tokens];
                for (int r = 0; r < batch; r++) {
                    long row = from + r;
                    unitOf[r] = (int) (row / m);
                    stepOf[r] = (int) (row % m);
                    targets[r] = clean.targets()[unitOf[r] / units];
                    onehot[r * tokens + ffn.firstRow() + unitOf[r] % units] = 1f;
                }
                RunRequest.Builder b = (start == null ? RunRequest.fromInput(gatherInput(scope, clean, unitOf, units))
                        : RunRequest.startingAt(start, gatherStart(scope, clean, start, unitOf, units)))
                        .objective(Objective.classProbability(targets));
                Shape shape = new Shape(batch, tokens, width);
                NDArray token = scope.create(onehot, new Shape(batch, tokens, 1));
                NDArray keep = token.broadcast(shape).neg().add(1f);
                boolean[] used = new boolean[count];
                for (int blk = firstBlock; blk < count; blk++) {
                    float[] v = new float[batch * width];
                    boolean any = false;
                    for (int r = 0; r < batch; r++) {
                        int q = unitOf[r];
                        float[] step = values.at(q / units, q % units, blk, stepOf[r]);
                        if (step != null) {
                            System.arraycopy(step, 0, v, r * width, width);
                            any = true;
                        }
                    }
                    if (!any) {
                        continue;
                    }
                    used[blk] = true;
                    String point = ffn.points().get(blk);
                    // Exactly the former dense mask and addend (1 − e_t and e_t ⊗ v), built in native memory
                    // from [batch, tokens] and [batch, width] instead of two Java arrays of the full shape.
                    NDArray add = token.mul(scope.create(v, new Shape(batch, 1, width)));
                    b.scale(point, keep).perturb(point, add).gradientAt(point);
                }
                // Row r's own token (the one it overwrote), picked on the device: only [batch, 1, width]
                // of each block's gradient leaves it. Copying all the unit rows and reading one of them
                // on the host moved `units` times more (PATCH_SUM on ViT-B/16: 196 × 12 KB a row and
                // block, #17 §2); the values read are the same floats either way.
                long[] tokenOf = new long[batch];
                for (int r = 0; r < batch; r++) {
                    tokenOf[r] = ffn.firstRow() + unitOf[r] % units;
                }
                NDArray pick = null;
                try (Trace t = model.run(scope, b.build())) {
                    for (int blk = firstBlock; blk < count; blk++) {
                        if (!used[blk]) {
                            continue;
                        }
                        NDArray grad = t.gradient(ffn.points().get(blk));
                        if (pick == null) {
                            pick = scope.create(tokenOf, new Shape(batch, 1, 1)).toDevice(grad.getDevice(), false)
                                    .broadcast(new Shape(batch, 1, width));
                        }
                        float[] g = grad.gather(pick, 1).toFloatArray();
                        for (int r = 0; r < batch; r++) {
                            int q = unitOf[r];
                            float[][] slot = out[q / units][q % units];
                            if (slot[blk] == null) {
                                slot[blk] = new float[width];
                            }
                            float[] sum = slot[blk];
                            int at = r * width;
                            for (int j = 0; j < width; j++) {
                                sum[j] += g[at + j];
                            }
                        }
                    }
                }
            }
            progress.advance(batch);
            progress.message(phase + String.format(java.util.Locale.ROOT, ", step %d of %d",
                    Math.min(m, (int) ((from + batch - 1) % m) + 1), m));
        }
        return out;
    }

    /** The input rows of the given units ({@code [batch, *input]}), from the clean pass's images. */
    private NDArray gatherInput(NDManager scope, CleanPass clean, int[] unitOf, int units) {
        return gatherRows(scope, clean.input(), unitOf, units);
    }

    private NDArray gatherStart(NDManager scope, CleanPass clean, String point, int[] unitOf, int units) {
        return gatherRows(scope, clean.starts().get(point), unitOf, units);
    }

    private static NDArray gatherRows(NDManager scope, NDArray perImage, int[] unitOf, int units) {
        long[] idx = new long[unitOf.length];
        for (int r = 0; r < idx.length; r++) {
            idx[r] = unitOf[r] / units;
        }
        return perImage.get(scope.create(idx));
    }

    /**
     * The last startable probe point before block {@code firstBlock}'s FFN point, or null when
     * there is none (the run then starts from the input).
     */
    String startPoint(int firstBlock) {
        var manifest = model.manifest();
        int limit = manifest.probePoint(ffn.points().get(firstBlock)).index();
        String best = null;
        for (ProbePoint p : manifest.probePoints()) {
            if (p.index() < limit && p.startable()) {
                best = p.name();
            }
        }
        return best;
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
