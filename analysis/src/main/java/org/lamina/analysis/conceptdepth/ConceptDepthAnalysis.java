package org.lamina.analysis.conceptdepth;

import ai.djl.Device;

import org.lamina.analysis.job.ProgressSink;
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
    public static final String VERSION = "1";

    private ConceptDepthAnalysis() {
    }

    /** Extracts features and probes every concept; reports extraction, then probes. */
    public static ProbeResult run(ProbeableModel model, ConceptSet set, ProbeParameters p, ProgressSink progress) {
        List<String> points = FeatureExtractor.resolvePoints(model.manifest(), p.points());
        List<Concept> concepts = set.concepts().stream().map(c -> limit(c, p.maxSamples(), p.seed())).toList();
        int[] items = new ConceptSet(set.name(), set.source(), set.dataset(), concepts).allItems();
        LayerFeatures features = FeatureExtractor.extract(model, set.dataset(), items, points, p.extraction(), progress);
        return probe(features, set, concepts, p, model.weightsSha256(), model.device(), progress);
    }

    /** Probes every concept on features already extracted (the panel re-probes without re-extracting). */
    public static ProbeResult probe(LayerFeatures features, ConceptSet set, List<Concept> concepts, ProbeParameters p,
                                    String weightsSha256, Device device, ProgressSink progress) {
        long start = System.nanoTime();
        List<String> points = features.points();
        progress.begin((long) concepts.size() * points.size());
        LogisticProbe solver = p.probe();
        List<ConceptProbeResult> out = new ArrayList<>();
        Map<String, TrainTestSplit> splits = new LinkedHashMap<>();
        for (Concept c : concepts) {
            int[] cItems = c.items();
            int[] labels = c.labels();
            int[] rows = new int[cItems.length];
            for (int i = 0; i < cItems.length; i++) {
                rows[i] = features.row(cItems[i]);
                if (rows[i] < 0) {
                    throw new IllegalArgumentException("concept '" + c.name() + "': item " + cItems[i]
                            + " has no extracted features");
                }
            }
            TrainTestSplit split = TrainTestSplit.of(labels, p.testFraction(), p.seed(), p.stratified());
            splits.put(c.name(), split);
            int[] control = ControlTask.labels(cItems, c.positives(), p.seed());
            int[] trainRows = pick(rows, split.train());
            int[] testRows = pick(rows, split.test());
            int[] yTrain = pick(labels, split.train());
            int[] yTest = pick(labels, split.test());
            int[] cTrain = pick(control, split.train());
            int[] cTest = pick(control, split.test());
            int n = points.size();
            double[] acc = new double[n];
            double[] f1 = new double[n];
            double[] auc = new double[n];
            double[] trainAcc = new double[n];
            double[] controlAcc = new double[n];
            double[] selectivity = new double[n];
            int[] iterations = new int[n];
            for (int k = 0; k < n; k++) {
                progress.checkCancelled();
                progress.message("probing " + c.name() + " at " + points.get(k));
                int d = features.dimensions()[k];
                float[] xTrain = features.gather(k, trainRows);
                float[] xTest = features.gather(k, testRows);
                if (p.standardise()) {
                    Standardiser z = Standardiser.fit(xTrain, trainRows.length, d);
                    xTrain = z.apply(xTrain, trainRows.length);
                    xTest = z.apply(xTest, testRows.length);
                }
                LogisticProbe.Fit fit = solver.fit(xTrain, trainRows.length, d, yTrain, device);
                double[] prob = fit.probabilities(xTest, testRows.length, d);
                acc[k] = ProbeMetrics.accuracy(yTest, prob);
                f1[k] = ProbeMetrics.f1(yTest, prob);
                auc[k] = ProbeMetrics.auc(yTest, prob);
                trainAcc[k] = ProbeMetrics.accuracy(yTrain, fit.probabilities(xTrain, trainRows.length, d));
                iterations[k] = fit.iterations();
                LogisticProbe.Fit controlFit = solver.fit(xTrain, trainRows.length, d, cTrain, device);
                controlAcc[k] = ProbeMetrics.accuracy(cTest, controlFit.probabilities(xTest, testRows.length, d));
                selectivity[k] = acc[k] - controlAcc[k];
                progress.advance(1);
            }
            out.add(new ConceptProbeResult(c.name(), c.description(), points, acc, f1, auc, trainAcc, controlAcc,
                    selectivity, ConceptDepth.of(acc, points, p.tau(), p.epsilon()), iterations, c.positives(),
                    c.negatives(), trainRows.length, testRows.length));
        }
        double probeSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("method", METHOD);
        provenance.put("version", VERSION);
        provenance.put("probe", "L2 logistic regression, sklearn objective ½‖w‖² + C Σ log-loss, intercept unpenalised, "
                + "Newton's method with backtracking in float64 on DJL tensors");
        provenance.put("conceptSetSource", set.source());
        provenance.put("seed", p.seed());
        provenance.put("precisionNote", p.precision() == Precision.FP32 ? "fp32"
                : "weights fp32; input and every startable point's activation rounded to " + p.precision());
        provenance.put("engine", ModelRuntime.versions());
        provenance.put("device", device.toString());
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("timestamp", Instant.now().toString());
        return new ProbeResult(features.model(), weightsSha256, set.name(), set.dataset().name(), points,
                features.dimensions(), p, out, null, features.seconds(), probeSeconds, provenance, features, splits,
                List.copyOf(concepts));
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
