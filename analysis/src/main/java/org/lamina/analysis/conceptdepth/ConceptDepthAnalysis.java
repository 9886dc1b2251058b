package org.lamina.analysis.conceptdepth;

import ai.djl.Device;

import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Concept depth of one model (Jin et al. 2024, "Exploring Concept Depth"; spec
 * shared/specs/conceptdepth.md): features of every item of every concept are extracted once
 * ({@link FeatureExtractor}), then for every concept and probe point a {@link LogisticProbe} is
 * fitted on the training rows and scored on the test rows (accuracy, F1, ROC-AUC), a second
 * probe on the same rows with control-task labels ({@link ControlTask}) gives selectivity, and
 * the accuracy curve gives the depths of {@link ConceptDepth}.
 */
public final class ConceptDepthAnalysis {

    /** Method name and version recorded in provenance. */
    public static final String METHOD = "concept depth (Jin et al. 2024; control tasks: Hewitt & Liang 2019)";
    public static final String VERSION = "2";

    private ConceptDepthAnalysis() {
    }

    /**
     * Extracts features and probes every concept; reports extraction, then probes. With fp16/bf16
     * precision the features come from a copy of the model opened again from its directory, whose
     * weights are rounded ({@link ProbeableModel#roundWeights}); {@code model} is not altered.
     */
    public static ProbeResult run(ProbeableModel model, ConceptSet set, ProbeParameters p, ProgressSink progress) {
        ConceptSets.checkKind(set, model.manifest());
        if (model.manifest().isCausalLm()) {
            TextFeatureExtractor.mode(p.pooling(), model.manifest());
        }
        List<String> points = FeatureExtractor.resolvePoints(model.manifest(), p.points());
        List<Concept> concepts = set.concepts().stream().map(c -> limit(c, p.maxSamples(), p.seed())).toList();
        int[] items = new ConceptSet(set.name(), set.source(), set.dataset(), concepts).allItems();
        LayerFeatures features;
        if (p.precision() == Precision.FP32) {
            features = FeatureExtractor.extract(model, set.dataset(), items, points, p.extraction(), progress);
        } else {
            // Weights rounded on a copy opened for this run, so the caller's model stays as it is.
            try (ProbeableModel rounded = ModelLoader.open(model.manifest().directory(), model.device())) {
                p.precision().roundWeights(rounded);
                features = FeatureExtractor.extract(rounded, set.dataset(), items, points, p.extraction(), progress);
            }
        }
        return probe(features, set, concepts, p, model.weightsSha256(), model.device(), progress);
    }

    /**
     * Probes every concept on the features of a feature store instead of running the model (issue
     * #20, {@code lamina probe --features}): every point of the store, at the store's reduction.
     * The store must hold features of this model (weights and model.json) over the concept set's
     * data set, extracted in fp32 without noise; anything else is refused, since probing other
     * features under this model's name would be a silently different result.
     */
    public static ProbeResult runOnStore(ProbeableModel model, ConceptSet set, ProbeParameters p,
                                         org.lamina.analysis.featurestore.FeatureStore store, ProgressSink progress) {
        ConceptSets.checkKind(set, model.manifest());
        if (p.precision() != Precision.FP32 || p.noiseSigma() != 0) {
            throw new IllegalArgumentException("--features: feature store " + store.directory() + " holds fp32 features "
                    + "without noise; --precision " + p.precision() + " and --noise " + p.noiseSigma()
                    + " need the model run again (leave out --features, or leave out those options)");
        }
        PooledFeatureStore.requireMatches(store, model, set.dataset());
        TokenPooling pooling = PooledFeatureStore.storePooling(store.manifest());
        ProbeParameters q = p.withPooling(pooling).withPoints(String.join(",", store.manifest().pointNames()));
        List<Concept> concepts = set.concepts().stream().map(c -> limit(c, q.maxSamples(), q.seed())).toList();
        int[] items = new ConceptSet(set.name(), set.source(), set.dataset(), concepts).allItems();
        progress.message("reading " + items.length + " items from feature store " + store.directory());
        LayerFeatures features = PooledFeatureStore.features(store, items);
        return probe(features, set, concepts, q, model.weightsSha256(), model.device(), progress)
                .withProvenance("featureStore", store.directory().toAbsolutePath().toString());
    }

    /**
     * Probes every concept on features already extracted (the panel re-probes without re-extracting),
     * once per train/test split ({@link ProbeParameters#splits()}); a concept's metrics are the
     * means over its splits, with the spread of the accuracy and every split's depths kept.
     */
    public static ProbeResult probe(LayerFeatures features, ConceptSet set, List<Concept> concepts, ProbeParameters p,
                                    String weightsSha256, Device device, ProgressSink progress) {
        long start = System.nanoTime();
        List<String> points = features.points();
        int n = points.size();
        int splitCount = p.splits();
        progress.begin((long) concepts.size() * n * splitCount);
        RedundantPoints redundant = RedundantPoints.of(features);
        List<Prepared> prepared = new ArrayList<>();
        Map<String, List<TrainTestSplit>> splits = new LinkedHashMap<>();
        for (Concept c : concepts) {
            List<TrainTestSplit> own = new ArrayList<>();
            for (int k = 0; k < splitCount; k++) {
                Prepared pc = Prepared.of(c, features, p, k);
                prepared.add(pc);
                own.add(pc.split);
            }
            splits.put(c.name(), own);
        }
        boolean batched = p.solver() == ProbeSolver.LBFGS && !p.standardise();
        // Which form Newton solved in at each point (primal when d ≤ training rows, else dual).
        Map<String, String> forms = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            progress.checkCancelled();
            int d = features.dimensions()[k];
            LogisticProbe.Fit[] fits = new LogisticProbe.Fit[2 * prepared.size()];
            if (batched) {
                progress.message("probing all concepts at " + points.get(k));
                List<BatchedLbfgsProbe.Problem> problems = new ArrayList<>();
                for (Prepared pc : prepared) {
                    problems.add(new BatchedLbfgsProbe.Problem(pc.trainRows, pc.yTrain));
                    problems.add(new BatchedLbfgsProbe.Problem(pc.trainRows, pc.cTrain));
                }
                fits = new BatchedLbfgsProbe(p.probe()).fitAll(features.values().get(k), features.items().length, d,
                        problems, device);
            }
            for (int ci = 0; ci < prepared.size(); ci++) {
                Prepared pc = prepared.get(ci);
                progress.message("probing " + pc.concept.name() + " at " + points.get(k)
                        + (splitCount > 1 ? " (split " + (pc.splitIndex + 1) + "/" + splitCount + ")" : ""));
                float[] xTrain = features.gather(k, pc.trainRows);
                float[] xTest = features.gather(k, pc.testRows);
                if (p.standardise()) {
                    Standardiser z = Standardiser.fit(xTrain, pc.trainRows.length, d);
                    xTrain = z.apply(xTrain, pc.trainRows.length);
                    xTest = z.apply(xTest, pc.testRows.length);
                }
                if (!batched) {
                    forms.merge(points.get(k), LogisticProbe.form(pc.trainRows.length, d),
                            (a, b) -> a.equals(b) || b.contains(a) ? b : a.contains(b) ? a : a + " and " + b);
                }
                LogisticProbe.Fit fit = batched ? fits[2 * ci]
                        : p.probe().fit(xTrain, pc.trainRows.length, d, pc.yTrain, device);
                LogisticProbe.Fit controlFit = batched ? fits[2 * ci + 1]
                        : p.probe().fit(xTrain, pc.trainRows.length, d, pc.cTrain, device);
                double[] prob = fit.probabilities(xTest, pc.testRows.length, d);
                pc.acc[k] = ProbeMetrics.accuracy(pc.yTest, prob);
                pc.f1[k] = ProbeMetrics.f1(pc.yTest, prob);
                pc.auc[k] = ProbeMetrics.auc(pc.yTest, prob);
                pc.trainAcc[k] = ProbeMetrics.accuracy(pc.yTrain, fit.probabilities(xTrain, pc.trainRows.length, d));
                pc.iterations[k] = fit.iterations();
                pc.controlAcc[k] = ProbeMetrics.accuracy(pc.cTest,
                        controlFit.probabilities(xTest, pc.testRows.length, d));
                pc.selectivity[k] = pc.acc[k] - pc.controlAcc[k];
                progress.advance(1);
            }
        }
        List<ConceptProbeResult> out = new ArrayList<>();
        for (int ci = 0; ci < concepts.size(); ci++) {
            out.add(aggregate(prepared.subList(ci * splitCount, (ci + 1) * splitCount), points, p, redundant));
        }
        double probeSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("method", METHOD);
        provenance.put("version", VERSION);
        provenance.put("probe", "L2 logistic regression, sklearn objective ½‖w‖² + C Σ log-loss, intercept unpenalised, "
                + (batched ? "batched L-BFGS over all probes of a point" : "Newton's method with backtracking")
                + ", float64");
        if (!batched) {
            provenance.put("probeForm", forms);
            provenance.put("probeFormRule", "primal Newton ((d+1)-dimensional) when d ≤ training rows n, else the same "
                    + "Newton iteration in the n-dimensional dual (w = Xᵀα, Gram matrix X Xᵀ); same optimum; lbfgs when n ≥ "
                    + LogisticProbe.LBFGS_MIN_ROWS + " and n²·d > " + LogisticProbe.LBFGS_GRAM_LIMIT
                    + " (L-BFGS with float32 products, met to the same gradient tolerance)");
        }
        provenance.put("split", splitCount + " split(s), seeds " + p.seed()
                + (splitCount > 1 ? " … " + (p.seed() + splitCount - 1) : "") + ", test fraction " + p.testFraction()
                + (p.split() == SplitMode.REFERENCE
                ? ", reference: NumPy RandomState(seed).permutation as sklearn's train_test_split (Luckfort/CD)"
                : ", seeded shuffle" + (p.stratified() ? ", stratified" : ", not stratified")));
        provenance.put("aggregation", "acc/f1/auc/trainAcc/controlAcc/selectivity: mean over splits; accStd: population "
                + "std; depth: per marker the median layer over the splits (lower middle when K is even); "
                + "splitAcc/splitDepths: per split");
        provenance.put("relativeDepthRule", RedundantPoints.RULE);
        provenance.put("conceptSetSource", set.source());
        if (set.isText()) {
            provenance.put("textFeatures", "each text tokenised by the model's tokenizer.json (BOS per model.json), "
                    + "right-padded batches of similar length, every point read per row by the runner at "
                    + (p.pooling() == TokenPooling.MEAN ? "the mean over the real tokens" : "the last real token")
                    + " (padding never enters)" + (p.noiseSigma() > 0 ? "; noise: Gaussian σ " + p.noiseSigma()
                    + " added to the token embeddings (point embed), fixed per text by seed and text" : ""));
            provenance.put("textsSha256", set.dataset().contentIdentity());
        }
        provenance.put("labelMapping", set.dataset().labelMapping());
        provenance.put("seed", p.seed());
        provenance.put("precisionNote", p.precision() == Precision.FP32 ? "fp32"
                : p.precision() == Precision.INT8 ? "int8: every weight tensor of ≥ 2 axes rounded per output row "
                + "(symmetric, scale max|w|/127), vectors, input and activations float32 (weight-only fake quantisation)"
                : "weights (parameters) and input and every startable point's activation rounded to " + p.precision()
                + ", stored and computed in float32 (fake quantisation)");
        provenance.put("engine", ModelRuntime.versions());
        provenance.put("device", device.toString());
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("timestamp", Instant.now().toString());
        return new ProbeResult(features.model(), weightsSha256, set.name(), set.dataset().name(), points,
                features.dimensions(), p, out, null, features.seconds(), probeSeconds, provenance, redundant, features,
                splits, List.copyOf(concepts));
    }

    /** One concept's result from its splits' probes: means, accuracy spread, per-split depths and their median. */
    static ConceptProbeResult aggregate(List<Prepared> runs, List<String> points, ProbeParameters p,
                                        RedundantPoints redundant) {
        int n = points.size();
        int k = runs.size();
        double[][] splitAcc = new double[k][];
        List<ConceptDepth> depths = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            splitAcc[s] = runs.get(s).acc;
            depths.add(ConceptDepth.of(runs.get(s).acc, points, p.tau(), p.epsilon(), redundant.relativeDepth(),
                    redundant.duplicates(points)));
        }
        double[] std = new double[n];
        double[] min = new double[n];
        double[] max = new double[n];
        double[] acc = mean(runs, r -> r.acc, n);
        int[] iterations = new int[n];
        for (int l = 0; l < n; l++) {
            double ss = 0;
            min[l] = Double.POSITIVE_INFINITY;
            max[l] = Double.NEGATIVE_INFINITY;
            for (Prepared r : runs) {
                ss += (r.acc[l] - acc[l]) * (r.acc[l] - acc[l]);
                min[l] = Math.min(min[l], r.acc[l]);
                max[l] = Math.max(max[l], r.acc[l]);
                iterations[l] = Math.max(iterations[l], r.iterations[l]);
            }
            std[l] = Math.sqrt(ss / k);
        }
        Prepared first = runs.get(0);
        Concept c = first.concept;
        return new ConceptProbeResult(c.name(), c.description(), points, acc, mean(runs, r -> r.f1, n),
                mean(runs, r -> r.auc, n), mean(runs, r -> r.trainAcc, n), mean(runs, r -> r.controlAcc, n),
                mean(runs, r -> r.selectivity, n), ConceptDepth.median(depths, points, redundant.relativeDepth()),
                iterations, c.positives(), c.negatives(), first.trainRows.length, first.testRows.length, std, min, max,
                splitAcc, depths);
    }

    private static double[] mean(List<Prepared> runs, java.util.function.Function<Prepared, double[]> metric, int n) {
        double[] m = new double[n];
        for (Prepared r : runs) {
            double[] v = metric.apply(r);
            for (int l = 0; l < n; l++) {
                m[l] += v[l];
            }
        }
        for (int l = 0; l < n; l++) {
            m[l] /= runs.size();
        }
        return m;
    }

    /** A concept's split (one of K), rows and labels, and the arrays its metrics fill. */
    static final class Prepared {
        Concept concept;
        int splitIndex;
        TrainTestSplit split;
        int[] trainRows;
        int[] testRows;
        int[] yTrain;
        int[] yTest;
        int[] cTrain;
        int[] cTest;
        double[] acc;
        double[] f1;
        double[] auc;
        double[] trainAcc;
        double[] controlAcc;
        double[] selectivity;
        int[] iterations;

        static Prepared of(Concept c, LayerFeatures features, ProbeParameters p, int splitIndex) {
            Prepared pc = new Prepared();
            pc.concept = c;
            pc.splitIndex = splitIndex;
            int[] items = c.items();
            int[] labels = c.labels();
            int[] rows = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                rows[i] = features.row(items[i]);
                if (rows[i] < 0) {
                    throw new IllegalArgumentException("concept '" + c.name() + "': item " + items[i]
                            + " has no extracted features");
                }
            }
            pc.split = TrainTestSplit.of(labels, p.testFraction(), p.seed() + splitIndex, p.stratified(), p.split());
            int[] control = ControlTask.labels(items, c.positives(), p.seed());
            pc.trainRows = pick(rows, pc.split.train());
            pc.testRows = pick(rows, pc.split.test());
            pc.yTrain = pick(labels, pc.split.train());
            pc.yTest = pick(labels, pc.split.test());
            pc.cTrain = pick(control, pc.split.train());
            pc.cTest = pick(control, pc.split.test());
            int n = features.points().size();
            pc.acc = new double[n];
            pc.f1 = new double[n];
            pc.auc = new double[n];
            pc.trainAcc = new double[n];
            pc.controlAcc = new double[n];
            pc.selectivity = new double[n];
            pc.iterations = new int[n];
            return pc;
        }
    }

    /** At most {@code max} items (half per class, seeded); the concept itself when max is 0 or not reached. */
    static Concept limit(Concept c, int max, long seed) {
        if (max <= 0 || c.items().length <= max) {
            return c;
        }
        int[] items = c.items();
        int[] labels = c.labels();
        boolean[] member = new boolean[items.length];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int cls = 0; cls <= 1; cls++) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < items.length; i++) {
                if (labels[i] == cls) {
                    rows.add(i);
                }
            }
            for (int i = rows.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Integer t = rows.get(i);
                rows.set(i, rows.get(j));
                rows.set(j, t);
            }
            int keep = Math.min(rows.size(), cls == 1 ? max / 2 : max - max / 2);
            for (int r = 0; r < keep; r++) {
                member[rows.get(r)] = true;
            }
        }
        int[] keepItems = java.util.stream.IntStream.range(0, items.length).filter(i -> member[i]).map(i -> items[i]).toArray();
        int[] keepLabels = java.util.stream.IntStream.range(0, items.length).filter(i -> member[i]).map(i -> labels[i]).toArray();
        Concept limited = new Concept(c.name(), c.description(), keepItems, keepLabels);
        limited.validate("concept '" + c.name() + "' limited to " + max + " samples");
        return limited;
    }

    private static int[] pick(int[] values, int[] at) {
        return Arrays.stream(at).map(i -> values[i]).toArray();
    }
}
