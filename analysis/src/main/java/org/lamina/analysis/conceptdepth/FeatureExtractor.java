package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Extracts one pooled representation per sample and probe point, in batches sized by
 * {@link BatchPlanner}, in one pass over the data (spec "Probing procedure"): {@code [tokens,
 * dim]} activations give the token chosen by {@link TokenPooling}; {@code [c, h, w]} maps are
 * averaged over space (a ViT's attention maps {@code [heads, q, k]} give the class token's
 * attention row instead, since a spatial mean of softmax rows is constant); vectors stay as they
 * are. Optional Gaussian input noise (σ on the unit-range pixels, fixed per image) and reduced
 * precision ({@link Precision}) make the robustness variants of the spec. Here reduced precision
 * rounds the input and the activations only; {@link ConceptDepthAnalysis#run} also rounds the
 * weights, on a copy of the model it opens for that run. A text concept set on a language model
 * goes to {@link TextFeatureExtractor} (issue #19: the last real token or the mean over real
 * tokens, read by the runner).
 */
public final class FeatureExtractor {

    private FeatureExtractor() {
    }

    /** The options of one extraction. */
    public record Options(TokenPooling pooling, double noiseSigma, Precision precision, long seed) {
        public Options {
            if (!(noiseSigma >= 0)) {
                throw new IllegalArgumentException("--noise σ must be ≥ 0, got " + noiseSigma);
            }
        }

        /** CLS token, no noise, fp32. */
        public static Options defaults() {
            return new Options(TokenPooling.CLS, 0, Precision.FP32, 42);
        }
    }

    /**
     * The probe points the user asked for: {@code layers} (default: the startable points, i.e.
     * layer outputs / residual stream, or every point when none is startable), {@code all}, or a
     * comma-separated list of names.
     */
    public static List<String> resolvePoints(ModelManifest manifest, String spec) {
        if (manifest.isCausalLm()) {
            return TextFeatureExtractor.resolvePoints(manifest, spec);
        }
        String s = spec == null ? "layers" : spec.trim();
        List<ProbePoint> all = manifest.probePoints();
        if (s.equals("all")) {
            return all.stream().map(ProbePoint::name).toList();
        }
        if (s.equals("layers") || s.isEmpty()) {
            List<String> startable = all.stream().filter(ProbePoint::startable).map(ProbePoint::name).toList();
            return startable.isEmpty() ? all.stream().map(ProbePoint::name).toList() : startable;
        }
        return byName(manifest, s);
    }

    static List<String> byName(ModelManifest manifest, String s) {
        List<String> chosen = new ArrayList<>();
        for (String name : s.split(",")) {
            chosen.add(manifest.probePoint(name.trim()).name());
        }
        chosen.sort((a, b) -> Integer.compare(manifest.probePoint(a).index(), manifest.probePoint(b).index()));
        return chosen.stream().distinct().toList();
    }

    /** Extracts {@code points} of {@code model} for data-set rows {@code items} (ascending). */
    public static LayerFeatures extract(ProbeableModel model, Dataset data, int[] items, List<String> points,
                                        Options options, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        if (data instanceof TextConceptData text) {
            if (!mf.isCausalLm()) {
                throw new ConceptSetException("concept set '" + text.name() + "' is a text concept set but model '"
                        + mf.name() + "' is an image model (kind image); texts need a causal-lm model");
            }
            return TextFeatureExtractor.extract(model, text, items, points, options, progress);
        }
        if (mf.isCausalLm()) {
            throw new ConceptSetException("data set '" + data.name() + "' holds images but model '" + mf.name()
                    + "' is a language model (kind causal-lm); give a text concept set");
        }
        long[] want = mf.input().shape();
        if (!Arrays.equals(want, data.sampleShape())) {
            throw new ConceptSetException("model '" + mf.name() + "' takes inputs " + Arrays.toString(want)
                    + " but data set '" + data.name() + "' has samples " + Arrays.toString(data.sampleShape())
                    + " (mismatched models and data: choose models with the same input)");
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no probe points chosen for model '" + mf.name() + "'");
        }
        long start = System.nanoTime();
        int batch = BatchPlanner.forwardBatchSize(mf, model.device());
        int batches = (items.length + batch - 1) / batch;
        progress.begin(batches);
        List<List<float[]>> chunks = new ArrayList<>();
        int[] dims = new int[points.size()];
        for (int p = 0; p < points.size(); p++) {
            chunks.add(new ArrayList<>());
        }
        for (int b = 0; b < batches; b++) {
            progress.checkCancelled();
            progress.message(mf.name() + ": features, batch " + (b + 1) + " of " + batches);
            int[] rows = Arrays.copyOfRange(items, b * batch, Math.min(items.length, (b + 1) * batch));
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                NDArray x = options.precision().round(input(m, data, rows, mf, options));
                List<NDArray> acts = activations(model, m, x, points, options.precision());
                for (int p = 0; p < points.size(); p++) {
                    NDArray pooled = pool(acts.get(p), mf, mf.probePoint(points.get(p)), options.pooling());
                    dims[p] = (int) pooled.getShape().get(1);
                    chunks.get(p).add(pooled.toFloatArray());
                }
            }
            progress.advance(1);
        }
        List<float[]> values = new ArrayList<>();
        for (int p = 0; p < points.size(); p++) {
            float[] all = new float[items.length * dims[p]];
            int at = 0;
            for (float[] c : chunks.get(p)) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            values.add(all);
        }
        return new LayerFeatures(mf.name(), List.copyOf(points), dims, items.clone(), values,
                (System.nanoTime() - start) / 1e9);
    }

    /** Unit-range samples + noise (seeded per image), normalised with the model's mean/std. */
    static NDArray input(NDManager m, Dataset data, int[] rows, ModelManifest mf, Options options) {
        long[] shape = mf.input().shape();
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        float[] values = new float[rows.length * size];
        for (int r = 0; r < rows.length; r++) {
            float[] s = data.sample(rows[r]).clone();
            if (options.noiseSigma() > 0) {
                Random rnd = new Random(ControlTask.key(options.seed(), rows[r]));
                for (int k = 0; k < s.length; k++) {
                    s[k] += (float) (options.noiseSigma() * rnd.nextGaussian());
                }
            }
            if (mf.input().isImage()) {
                ImageInput.normalise(s, mf.input().channels(), mf.input().mean(), mf.input().std());
            }
            System.arraycopy(s, 0, values, r * size, size);
        }
        long[] full = new long[shape.length + 1];
        full[0] = rows.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return m.create(values, new Shape(full));
    }

    /**
     * Activations at {@code points}. In fp32 one run captures them all; in reduced precision the
     * forward is cut at every startable point, the activation rounded and the run continued from it.
     */
    private static List<NDArray> activations(ProbeableModel model, NDManager m, NDArray x, List<String> points,
                                             Precision precision) {
        java.util.Map<String, NDArray> got = new java.util.HashMap<>();
        if (!precision.roundsActivations()) {
            Trace t = model.run(m, RunRequest.fromInput(x).capture(points).build());
            got.putAll(t.activations());
        } else {
            got.putAll(roundedRun(model, m, x, points, precision, java.util.function.UnaryOperator.identity()));
        }
        List<NDArray> out = new ArrayList<>();
        for (String p : points) {
            out.add(got.get(p));
        }
        return out;
    }

    /**
     * The forward in reduced precision, shared by the image and text paths: cut at every startable
     * point up to the last of {@code points}, each captured activation rounded and the run
     * continued from the rounded one. {@code first} adjusts the first run's request (the text path
     * adds its embedding noise there). Returns every captured point's rounded activation.
     */
    static java.util.Map<String, NDArray> roundedRun(ProbeableModel model, NDManager m, NDArray x, List<String> points,
                                                    Precision precision,
                                                    java.util.function.UnaryOperator<RunRequest.Builder> first) {
        ModelManifest mf = model.manifest();
        java.util.Map<String, NDArray> got = new java.util.HashMap<>();
        int last = points.stream().mapToInt(p -> mf.probePoint(p).index()).max().orElse(-1);
        String from = null;
        NDArray h = x;
        List<String> pending = new ArrayList<>();
        for (ProbePoint p : mf.probePoints()) {
            if (p.index() > last) {
                break;
            }
            pending.add(p.name());
            if (p.startable() || p.index() == last) {
                RunRequest.Builder req = from == null ? first.apply(RunRequest.fromInput(h)) : RunRequest.startingAt(from, h);
                Trace t = model.run(m, req.capture(pending).build());
                for (String q : pending) {
                    got.put(q, precision.round(t.activation(q)));
                }
                pending.clear();
                if (p.startable()) {
                    from = p.name();
                    h = got.get(p.name());
                }
            }
        }
        return got;
    }

    /** {@code [batch, …]} activation → {@code [batch, d]} representation. */
    static NDArray pool(NDArray a, ModelManifest mf, ProbePoint point, TokenPooling pooling) {
        long[] s = point.shape();
        long batch = a.getShape().get(0);
        if (s.length == 1) {
            return a;
        }
        if (pooling == TokenPooling.NONE) {
            return a.reshape(batch, -1);
        }
        if (s.length == 2) {
            boolean hasCls = mf.patchGrid().map(g -> (long) g[0] * g[1] + 1 == s[0]).orElse(false);
            return switch (pooling) {
                case CLS -> a.get(":, 0, :");
                case LAST -> a.get(":, -1, :");
                case MEAN -> (hasCls ? a.get(":, 1:, :") : a).mean(new int[] {1});
                case NONE -> throw new AssertionError("handled above");
            };
        }
        if (s.length == 3 && mf.patchGrid().isPresent() && s[1] == s[2] && point.name().contains("attn")) {
            return a.get(":, :, 0, :").reshape(batch, s[0] * s[2]);
        }
        return a.reshape(batch, s[0], -1).mean(new int[] {2});
    }
}
