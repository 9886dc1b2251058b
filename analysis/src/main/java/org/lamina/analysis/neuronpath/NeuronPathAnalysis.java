package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.EngineReport;
import org.lamina.analysis.model.MemoryBudget;
import org.lamina.analysis.model.ProbeableModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole neuron-path study of one model on one data set (spec "Evaluations"): for every
 * selected class its first N images; per image the JAS path and each baseline's path, all scored
 * with JAS(P); remove / enhance manipulation of every method's paths; class statistics of the JAS
 * paths; the pruning view. Images go through in chunks, each block's m scaled runs of a chunk in
 * one batched forward/backward.
 */
public final class NeuronPathAnalysis {

    /** Version of the method, recorded in provenance. */
    public static final String VERSION = "1";

    private NeuronPathAnalysis() {
    }

    /** The images the parameters select: per class, the first {@code imagesPerClass} data-set indices. */
    public static List<int[]> selectImages(Dataset data, List<String> modelLabels, NeuronPathParameters p) {
        List<Integer> classes = resolveClasses(modelLabels, p.classes());
        List<int[]> out = new ArrayList<>();
        for (int c : classes) {
            int[] ids = new int[p.imagesPerClass()];
            int found = 0;
            for (int i = 0; i < data.size() && found < ids.length; i++) {
                if (data.label(i) == c) {
                    ids[found++] = i;
                }
            }
            if (found == 0) {
                throw new NeuronPathException("class '" + modelLabels.get(c) + "' (index " + c + ") has no images in data set '"
                        + data.name() + "' (" + data.size() + " samples)");
            }
            out.add(java.util.Arrays.copyOf(ids, found));
        }
        return out;
    }

    /** Class names or indices → indices, with an error that lists the model's labels. */
    public static List<Integer> resolveClasses(List<String> labels, List<String> wanted) {
        List<Integer> out = new ArrayList<>();
        if (wanted.isEmpty() || (wanted.size() == 1 && wanted.get(0).equalsIgnoreCase("all"))) {
            for (int i = 0; i < labels.size(); i++) {
                out.add(i);
            }
            return out;
        }
        for (String w : wanted) {
            int idx = -1;
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).equalsIgnoreCase(w.trim())) {
                    idx = i;
                }
            }
            if (idx < 0 && w.trim().matches("\\d{1,9}")) {
                int n = Integer.parseInt(w.trim());
                idx = n < labels.size() ? n : -1;
            }
            if (idx < 0) {
                throw new NeuronPathException("--class '" + w + "' is not a class of the model: expected one of " + org.lamina.analysis.data.LabelListText.of(labels)
                        + ", a class index 0…" + (labels.size() - 1) + " or all");
            }
            if (!out.contains(idx)) {
                out.add(idx);
            }
        }
        return out;
    }

    /** {@link #run(ProbeableModel, Dataset, NeuronPathParameters, ProgressSink, long)} with the default memory budget. */
    public static NeuronPathResult run(ProbeableModel model, Dataset data, NeuronPathParameters p, ProgressSink progress) {
        return run(model, data, p, progress, MemoryBudget.defaultBytes(model.device()));
    }

    /**
     * Runs the study within {@code memoryBytes} ({@link PathSearch#rowsWithin} rows a scaled run;
     * the results do not depend on it beyond float rounding). Progress counts scaled rows (image
     * × step, × patch tokens in PATCH_SUM mode) of every gradient run, with a message naming the
     * images, method, block and step; cancellation is checked before every run.
     */
    public static NeuronPathResult run(ProbeableModel model, Dataset data, NeuronPathParameters p, ProgressSink progress,
                                       long memoryBytes) {
        model.manifest().requireNotLanguageModel("Neuron paths");
        FfnNeurons ffn = FfnNeurons.of(model.manifest(), p.tokenMode());
        if (p.topK() > ffn.width()) {
            throw new NeuronPathException("--top-k " + p.topK() + " is larger than the FFN width: " + ffn.points().get(0)
                    + " has " + ffn.width() + " neurons per block");
        }
        List<String> labels = model.manifest().labels();
        List<int[]> perClass = selectImages(data, labels, p);
        ffn.requireScaleSupport(model);
        List<Integer> classIdx = resolveClasses(labels, p.classes());
        List<Integer> ids = new ArrayList<>();
        List<Integer> classOf = new ArrayList<>();
        for (int c = 0; c < perClass.size(); c++) {
            for (int id : perClass.get(c)) {
                ids.add(id);
                classOf.add(c);
            }
        }
        int total = ids.size();
        PathSearch search = PathSearch.withinBudget(model, ffn, p.steps(), memoryBytes);
        PathManipulation manip = new PathManipulation(model, ffn);
        List<PathMethod> methods = p.methods();
        int chunk = chunkSize(search.rowBudget(), p.steps());
        progress.begin(rowsPerImage(ffn, p) * total);

        int blocks = ffn.blocks();
        List<NeuronPathResult.ImageEntry> images = new ArrayList<>();
        float[][][] cleanNeurons = new float[total][][];
        float[][][] jasPerBlock = new float[total][blocks][];
        Map<PathMethod, int[][][]> paths = new EnumMap<>(PathMethod.class);
        Map<PathMethod, double[]> scores = new EnumMap<>(PathMethod.class);
        Map<PathMethod, double[][]> contributions = new EnumMap<>(PathMethod.class);
        Map<PathMethod, float[][]> edited = new EnumMap<>(PathMethod.class); // [remove, enhance] probs
        Map<PathMethod, int[][]> editedPred = new EnumMap<>(PathMethod.class);
        for (PathMethod m : methods) {
            paths.put(m, new int[total][][]);
            scores.put(m, new double[total]);
            contributions.put(m, new double[total][blocks]);
            edited.put(m, new float[][] {new float[total], new float[total]});
            editedPred.put(m, new int[][] {new int[total], new int[total]});
        }
        List<Double> fractions = p.pruningFractions();
        double[][] pruned = new double[fractions.size()][2];

        var in = model.manifest().input();
        try (NDManager mgr = NDManager.newBaseManager(model.device())) {
            for (int from = 0; from < total; from += chunk) {
                progress.checkCancelled();
                int to = Math.min(total, from + chunk);
                int n = to - from;
                int[] chunkIds = new int[n];
                int[] targets = new int[n];
                for (int i = 0; i < n; i++) {
                    chunkIds[i] = ids.get(from + i);
                    targets[i] = data.label(chunkIds[i]);
                }
                String context = String.format(Locale.ROOT, "images %d–%d of %d", from + 1, to, total);
                progress.message(context);
                search.reportTo(progress, context);
                try (NDManager scope = mgr.newSubManager()) {
                    NDArray x = gather(scope, data, chunkIds, in.mean(), in.std());
                    CleanPass clean = search.clean(scope, x, targets);
                    float[][][] jasOut = new float[n][blocks][];
                    for (PathMethod m : methods) {
                        progress.checkCancelled();
                        int[][][] ps = switch (m) {
                            case JAS -> search.searchJas(scope, x, clean, p.topK(), jasOut);
                            case ACTIVATION -> search.activationPaths(clean, p.topK());
                            case INFLUENCE -> search.influencePaths(scope, x, clean, p.topK());
                            case IG -> search.igPaths(scope, x, clean, p.topK());
                            case RANDOM -> search.randomPaths(chunkIds, p.seed(), p.topK());
                        };
                        double[][] contrib = new double[n][blocks];
                        double[] s = search.score(scope, x, clean, ps, contrib);
                        PathManipulation.Outcome rem = manip.apply(scope, x, targets, ps, PathManipulation.Edit.REMOVE);
                        PathManipulation.Outcome enh = manip.apply(scope, x, targets, ps, PathManipulation.Edit.ENHANCE);
                        for (int i = 0; i < n; i++) {
                            paths.get(m)[from + i] = ps[i];
                            scores.get(m)[from + i] = s[i];
                            contributions.get(m)[from + i] = contrib[i];
                            edited.get(m)[0][from + i] = rem.prob()[i];
                            edited.get(m)[1][from + i] = enh.prob()[i];
                            editedPred.get(m)[0][from + i] = rem.predicted()[i];
                            editedPred.get(m)[1][from + i] = enh.predicted()[i];
                        }
                    }
                    int[][][] jasChunk = java.util.Arrays.copyOfRange(paths.get(PathMethod.JAS), from, to);
                    int[][][] randomChunk = search.randomPaths(chunkIds, p.seed(), p.topK());
                    for (int f = 0; f < fractions.size(); f++) {
                        float[] a = manip.prune(scope, x, targets, chunkIds, jasChunk, fractions.get(f), blocks, p.seed()).prob();
                        float[] b = manip.prune(scope, x, targets, chunkIds, randomChunk, fractions.get(f), blocks, p.seed()).prob();
                        for (int i = 0; i < n; i++) {
                            pruned[f][0] += a[i] / total;
                            pruned[f][1] += b[i] / total;
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        images.add(new NeuronPathResult.ImageEntry(chunkIds[i], targets[i], clean.baseProb()[i],
                                clean.predicted()[i]));
                        cleanNeurons[from + i] = clean.neurons()[i];
                        jasPerBlock[from + i] = jasOut[i];
                    }
                }
            }
        }

        List<String> classNames = classIdx.stream().map(labels::get).toList();
        int[] classOfArr = classOf.stream().mapToInt(Integer::intValue).toArray();
        Map<PathMethod, NeuronPathResult.MethodPaths> methodResults = new LinkedHashMap<>();
        Map<PathMethod, NeuronPathResult.Manipulation> manipulations = new LinkedHashMap<>();
        for (PathMethod m : methods) {
            double[] s = scores.get(m);
            Map<String, Double> perClassJas = new LinkedHashMap<>();
            for (int c = 0; c < classNames.size(); c++) {
                perClassJas.put(classNames.get(c), mean(s, classOfArr, c));
            }
            methodResults.put(m, new NeuronPathResult.MethodPaths(paths.get(m), s, contributions.get(m),
                    mean(s, classOfArr, -1), perClassJas));
            manipulations.put(m, manipulation(images, edited.get(m), editedPred.get(m), classOfArr, classNames));
        }
        ClassStatistics stats = classNames.size() > 1
                ? ClassStatistics.of(classNames, classOfArr, paths.get(PathMethod.JAS), blocks, ffn.width()) : null;
        List<NeuronPathResult.PruningPoint> pruning = new ArrayList<>();
        for (int f = 0; f < fractions.size(); f++) {
            pruning.add(new NeuronPathResult.PruningPoint(fractions.get(f), pruned[f][0], pruned[f][1]));
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("method", "neuronpath (Wang et al., ICLR 2025: joint attribution score, layer-progressive search)");
        prov.put("version", VERSION);
        prov.put("model", model.manifest().name());
        prov.put("weightsSha256", model.weightsSha256());
        prov.put("dataset", data.name());
        prov.put("labelMapping", data.labelMapping());
        prov.put("steps", p.steps());
        prov.put("topK", p.topK());
        prov.put("seed", p.seed());
        prov.put("objective", "softmax probability of the image's label");
        prov.put("device", model.device().toString());
        prov.put("memoryBudget", MemoryBudget.describe(memoryBytes));
        prov.put("rowsPerRun", search.rowBudget());
        prov.put("engine", EngineReport.collect().getOrDefault("Engine", "?"));
        prov.put("djl", EngineReport.collect().getOrDefault("DJL", "?"));
        prov.put("timestamp", Instant.now().toString());
        return new NeuronPathResult(model.manifest().name(), model.weightsSha256(), data.name(), labels, p, blocks,
                ffn.width(), images, methodResults, manipulations, stats, pruning, prov, cleanNeurons, jasPerBlock);
    }

    /** Images per chunk: the rows of one scaled run divided by m, at least 1, at most 8. */
    static int chunkSize(int rowsPerRun, int steps) {
        return Math.max(1, Math.min(8, rowsPerRun / steps));
    }

    /** Scaled rows of one image over every gradient run (the progress units). */
    static long rowsPerImage(FfnNeurons ffn, NeuronPathParameters p) {
        long runs = ffn.blocks() + p.methods().size(); // JAS search at every block + a path score per method
        if (p.methods().contains(PathMethod.IG)) {
            runs += ffn.blocks();
        }
        if (p.methods().contains(PathMethod.INFLUENCE)) {
            runs += 1;
        }
        return runs * p.steps() * ffn.rows();
    }

    /** Selected samples as one normalised batch {@code [n, *shape]}. */
    static NDArray gather(NDManager mgr, Dataset data, int[] ids, float[] mean, float[] std) {
        long[] shape = data.sampleShape();
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        int channels = shape.length == 3 ? (int) shape[0] : 1;
        int perChannel = size / channels;
        float[] values = new float[ids.length * size];
        for (int i = 0; i < ids.length; i++) {
            float[] s = data.sample(ids[i]);
            for (int q = 0; q < size; q++) {
                int c = q / perChannel;
                values[i * size + q] = (s[q] - mean[c]) / std[c];
            }
        }
        long[] full = new long[shape.length + 1];
        full[0] = ids.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return mgr.create(values, new Shape(full));
    }

    private static NeuronPathResult.Manipulation manipulation(List<NeuronPathResult.ImageEntry> images, float[][] probs,
                                                              int[][] preds, int[] classOf, List<String> classNames) {
        double[] all = deviations(images, probs, preds, classOf, -1);
        Map<String, double[]> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            perClass.put(classNames.get(c), deviations(images, probs, preds, classOf, c));
        }
        return new NeuronPathResult.Manipulation(probs[0], preds[0], probs[1], preds[1], all[0], all[1], all[2], all[3],
                perClass);
    }

    /** {removeProbDev, enhanceProbDev, removeAccDev, enhanceAccDev} in %, over class c (or all with -1). */
    private static double[] deviations(List<NeuronPathResult.ImageEntry> images, float[][] probs, int[][] preds,
                                       int[] classOf, int c) {
        double[] sumDev = new double[2];
        double[] correctAfter = new double[2];
        double correctBefore = 0;
        int n = 0;
        for (int i = 0; i < images.size(); i++) {
            if (c >= 0 && classOf[i] != c) {
                continue;
            }
            n++;
            var e = images.get(i);
            correctBefore += e.predicted() == e.label() ? 1 : 0;
            for (int k = 0; k < 2; k++) {
                sumDev[k] += probs[k][i] / Math.max(e.baseProb(), 1e-30) - 1;
                correctAfter[k] += preds[k][i] == e.label() ? 1 : 0;
            }
        }
        n = Math.max(1, n);
        return new double[] {100 * sumDev[0] / n, 100 * sumDev[1] / n, 100 * (correctAfter[0] - correctBefore) / n,
            100 * (correctAfter[1] - correctBefore) / n};
    }

    private static double mean(double[] v, int[] classOf, int c) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (c < 0 || classOf[i] == c) {
                s += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
