package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The part of a run that is the same for every back-end: validating the request, copying its
 * tensors into a per-call scope, turning gradient requests into leaf tensors, back-propagating
 * the objective, and handing detached results to the caller's manager.
 *
 * <p>A back-end implements only {@link #forward}: run from a start index with a dictionary of
 * interventions in Lamina's convention — key {@code P} replaces point P, key {@code *P} scales it
 * element-wise, key {@code +P} adds to it (in that order) — and return every probe point after the start plus {@code "logits"}.
 *
 * <p>Gradient w.r.t. a point that is not replaced uses an added zero leaf ({@code +P}): the
 * gradient of the objective w.r.t. that leaf equals the gradient w.r.t. the activation, and,
 * unlike detaching at P, the graph stays connected so the input gradient is computed in the
 * same pass.
 *
 * <p>Autograd is driven through libtorch's thread-local grad mode and {@code backward} directly,
 * not DJL's {@code GradientCollector}, which allows only one collector per JVM and would
 * serialise independent jobs.
 */
public abstract class AbstractProbeableModel implements ProbeableModel {

    /** Key of the start point / logits in a back-end's output. */
    protected static final String LOGITS = "logits";

    protected final ModelManifest manifest;
    protected final Device device;
    protected final NDManager modelManager;

    protected AbstractProbeableModel(ModelManifest manifest, Device device, NDManager modelManager) {
        this.manifest = manifest;
        this.device = device;
        this.modelManager = modelManager;
    }

    /**
     * Runs the model from {@code startIndex} ({@code -1}: the raw input) with {@code x} and
     * the given interventions; returns the start point (if any), every later probe point, and
     * {@code "logits"}. Called with grad mode already set as the run needs it.
     *
     * @param scope        manager for intermediate tensors
     * @param startIndex   probe point index to start after, or -1
     * @param x            input batch or start activation
     * @param interventions {@code P -> replacement}, {@code *P -> factor}, {@code +P -> addend}
     * @param withGradient whether autograd must record this pass
     * @param logitsOnly   whether only {@code "logits"} is needed (no capture, intervention,
     *                     gradient or objective): a back-end may then take a cheaper path
     */
    protected abstract Map<String, NDArray> forward(NDManager scope, int startIndex, NDArray x,
                                                   Map<String, NDArray> interventions, boolean withGradient,
                                                   boolean logitsOnly);

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public final Trace run(NDManager resultManager, RunRequest request) {
        int startIndex = validate(request);
        long seq = sequenceLength(request);
        boolean withGradient = request.needsGradient();
        boolean previousGradMode = JniUtils.isGradMode();
        try (NDManager scope = modelManager.newSubManager(device)) {
            JniUtils.setGradMode(withGradient);
            NDArray x = startIndex < 0 && manifest.isCausalLm() ? copyIds(request.input(), scope)
                    : copyIn(request.input(), scope);
            if (request.inputGradient()) {
                x.setRequiresGradient(true);
            }
            Map<String, NDArray> interventions = new LinkedHashMap<>();
            Map<String, NDArray> gradientLeaves = new HashMap<>();
            for (var e : request.replacements().entrySet()) {
                NDArray r = copyIn(e.getValue(), scope);
                if (request.gradientPoints().contains(e.getKey())) {
                    r.setRequiresGradient(true);
                    gradientLeaves.put(e.getKey(), r);
                }
                interventions.put(e.getKey(), r);
            }
            for (var e : request.scales().entrySet()) {
                interventions.put("*" + e.getKey(), copyIn(e.getValue(), scope));
            }
            for (var e : request.perturbations().entrySet()) {
                interventions.put("+" + e.getKey(), copyIn(e.getValue(), scope));
            }
            String start = request.startAt();
            for (String p : request.gradientPoints()) {
                if (gradientLeaves.containsKey(p)) {
                    continue;
                }
                if (p.equals(start) && request.inputGradient()) {
                    gradientLeaves.put(p, x);
                    continue;
                }
                NDArray zero = scope.zeros(new Shape(batchShape(request.batchSize(), manifest.probePoint(p), seq)),
                        DataType.FLOAT32, device);
                zero.setRequiresGradient(true);
                gradientLeaves.put(p, zero);
                NDArray existing = interventions.get("+" + p);
                interventions.put("+" + p, existing == null ? zero : existing.add(zero));
            }

            boolean logitsOnly = !request.captureAll() && request.capture().isEmpty() && interventions.isEmpty()
                    && request.objective() == null;
            Map<String, NDArray> outputs = forward(scope, startIndex, x, interventions, withGradient, logitsOnly);
            NDArray logits = outputs.get(LOGITS);
            if (logits == null) {
                throw new ModelException(manifest.name() + ": the model returned no \"logits\"");
            }
            TokenReadout readout = request.readout();
            if (readout != null) {
                // Logits are [B, S, V]: the sequence is axis 1. Read before the objective, so
                // "probability of token t next" is an objective like any class probability.
                logits = readout.apply(logits, 1);
            }
            NDArray objective = null;
            if (request.objective() != null) {
                objective = request.objective().perSample(logits, outputs);
                if (objective.getShape().dimension() != 1 || objective.getShape().get(0) != request.batchSize()) {
                    throw new ModelException("objective '" + request.objective().description()
                            + "' must give one value per sample, shape [" + request.batchSize() + "], got "
                            + objective.getShape());
                }
                if (withGradient) {
                    NDArray total = objective.sum();
                    JniUtils.backward((PtNDArray) total, (PtNDArray) scope.ones(total.getShape(),
                            total.getDataType(), total.getDevice()), false, false);
                }
            }

            Map<String, NDArray> captured = new LinkedHashMap<>();
            for (ProbePoint p : manifest.probePoints()) {
                if (request.captureAll() || request.capture().contains(p.name())) {
                    NDArray a = outputs.get(p.name());
                    if (a != null) {
                        if (readout != null && p.perToken()) {
                            a = readout.apply(a, p);
                        }
                        captured.put(p.name(), handOver(a, resultManager));
                    }
                }
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            for (String p : request.gradientPoints()) {
                gradients.put(p, handOver(gradientOf(gradientLeaves.get(p), p), resultManager));
            }
            NDArray inputGradient = request.inputGradient()
                    ? handOver(gradientOf(x, "input"), resultManager) : null;
            return new Trace(handOver(logits, resultManager), captured, gradients, inputGradient,
                    objective == null ? null : handOver(objective, resultManager));
        } finally {
            JniUtils.setGradMode(previousGradMode);
        }
    }

    private static NDArray gradientOf(NDArray leaf, String what) {
        NDArray g = leaf.getGradient();
        if (g == null) {
            throw new ModelException("no gradient reached '" + what + "': the objective does not depend on it");
        }
        return g;
    }

    /** Detached copy-free hand-over of a result into the caller's manager. */
    private NDArray handOver(NDArray a, NDManager target) {
        NDArray detached = a.stopGradient();
        detached.attach(target);
        return detached;
    }

    private NDArray copyIn(NDArray a, NDManager scope) {
        // toDevice(copy=true) on the same device hands back the same libtorch tensor: marking it
        // as requiring gradient would then touch the caller's array and accumulate across calls.
        NDArray c = a.getDevice().equals(device) ? a.duplicate() : a.toDevice(device, true);
        c.attach(scope);
        if (c.getDataType() != DataType.FLOAT32) {
            c = c.toType(DataType.FLOAT32, false);
        }
        return c;
    }

    /**
     * Ids stay integers (int64, what an embedding takes); any other input is float32. Ids outside
     * the vocabulary are refused here, where the message can say so, not deep in the embedding.
     */
    private NDArray copyIds(NDArray a, NDManager scope) {
        if (!a.getDataType().isInteger()) {
            throw new ModelException("model '" + manifest.name() + "' takes token ids (int64), got " + a.getDataType());
        }
        int vocab = manifest.languageModel().vocabSize();
        // The range is checked where the ids are (two scalars leave the device); only a refused
        // batch comes to the host, to name its first bad id. Until #17 §2 every batch went to the
        // host and back for this check: a silent round trip per forward of a language model.
        NDArray ids = a.getDataType() == DataType.INT64 ? a.duplicate() : a.toType(DataType.INT64, true);
        ids.attach(scope);
        if (ids.size() > 0 && (ids.min().getLong() < 0 || ids.max().getLong() >= vocab)) {
            long[] all = ids.toLongArray();
            for (int i = 0; i < all.length; i++) {
                if (all[i] < 0 || all[i] >= vocab) {
                    throw new ModelException("token id " + all[i] + " (row " + i / a.getShape().get(1) + ", position "
                            + i % a.getShape().get(1) + ") is outside the vocabulary 0 … " + (vocab - 1) + " of model '"
                            + manifest.name() + "'");
                }
            }
        }
        NDArray c = ids.getDevice().equals(device) ? ids : ids.toDevice(device, true);
        c.attach(scope);
        return c;
    }

    /** The sequence length of a language model's run (0 for other models). */
    private long sequenceLength(RunRequest request) {
        if (!manifest.isCausalLm()) {
            return 0;
        }
        long[] got = request.input().getShape().getShape();
        if (request.startAt() == null) {
            return got[1];
        }
        int axis = manifest.probePoint(request.startAt()).sequenceAxis();
        return axis < 0 ? 0 : got[axis + 1];
    }

    private static long[] batchShape(long batch, ProbePoint p, long seq) {
        long[] s = p.shapeFor(seq);
        long[] out = new long[s.length + 1];
        out[0] = batch;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    /** Checks names, startability and shapes; returns the start index (-1 for raw input). */
    private int validate(RunRequest request) {
        NDArray x = request.input();
        long[] got = x.getShape().getShape();
        int startIndex = -1;
        long[] expected;
        String what;
        if (manifest.isCausalLm()) {
            return validateTokens(request);
        }
        if (request.startAt() == null) {
            long[] in = manifest.input().shape();
            expected = new long[in.length + 1];
            System.arraycopy(in, 0, expected, 1, in.length);
            what = "input";
        } else {
            ProbePoint p = startPoint(request.startAt());
            startIndex = p.index();
            expected = batchShape(got.length > 0 ? got[0] : 0, p, 0);
            what = "start point '" + p.name() + "'";
        }
        expected[0] = got.length > 0 ? got[0] : -1;
        if (!Arrays.equals(got, expected) || got[0] < 1) {
            throw new ModelException("wrong " + what + " shape for model '" + manifest.name() + "': expected [batch, "
                    + Arrays.toString(Arrays.copyOfRange(expected, 1, expected.length)).replace("[", "")
                    + " but got " + x.getShape());
        }
        long batch = got[0];
        if (request.readout() != null) {
            throw new ModelException("a token read-out applies to language models only; model '" + manifest.name()
                    + "' is a " + manifest.kind() + " model");
        }
        checkRest(request, startIndex, batch, 0);
        return startIndex;
    }

    /** The point a run starts at, refused (naming the startable points) when the forward cannot resume there. */
    private ProbePoint startPoint(String name) {
        ProbePoint p = manifest.probePoint(name);
        if (!p.startable()) {
            throw new ModelException("a run cannot start at '" + p.name() + "' in model '" + manifest.name()
                    + "' (the rest of the forward needs more than this activation); startable points: "
                    + manifest.probePoints().stream().filter(ProbePoint::startable).map(ProbePoint::name).toList());
        }
        return p;
    }

    /**
     * A language model's run: ids {@code [B, S]} (1 ≤ S ≤ maxLength) or a start activation whose
     * sequence axis gives S; every point tensor and the read-out follow that S.
     */
    private int validateTokens(RunRequest request) {
        long[] got = request.input().getShape().getShape();
        int maxLength = manifest.languageModel().maxLength();
        int startIndex = -1;
        long seq;
        if (request.startAt() == null) {
            if (got.length != 2 || got[0] < 1 || got[1] < 1) {
                throw new ModelException("wrong input shape for language model '" + manifest.name()
                        + "': expected token ids [batch, seq] but got " + request.input().getShape());
            }
            if (request.inputGradient()) {
                throw new ModelException("token ids have no gradient; ask for the gradient at the probe point \"embed\" "
                        + "of model '" + manifest.name() + "' instead");
            }
            seq = got[1];
        } else {
            ProbePoint p = startPoint(request.startAt());
            startIndex = p.index();
            int axis = p.sequenceAxis();
            seq = axis >= 0 && got.length > axis + 1 ? got[axis + 1] : -1;
            long[] expected = batchShape(got.length > 0 ? got[0] : 1, p, seq);
            if (!Arrays.equals(got, expected) || got[0] < 1 || seq < 1) {
                throw new ModelException("wrong start point '" + p.name() + "' shape for model '" + manifest.name()
                        + "': expected [batch, " + Arrays.toString(p.shape()).replace("[", "").replace("-1", "seq")
                        + " but got " + request.input().getShape());
            }
        }
        if (seq > maxLength) {
            throw new ModelException("sequence of " + seq + " tokens is longer than model '" + manifest.name()
                    + "' takes (input.maxLength " + maxLength + ")");
        }
        if (request.readout() != null) {
            request.readout().check(got[0], seq);
        }
        checkRest(request, startIndex, got[0], seq);
        return startIndex;
    }

    private void checkRest(RunRequest request, int startIndex, long batch, long seq) {
        checkPointTensors(request.replacements(), batch, seq, "replacement");
        checkPointTensors(request.perturbations(), batch, seq, "perturbation");
        checkPointTensors(request.scales(), batch, seq, "scale");
        for (String p : request.capture()) {
            manifest.probePoint(p);
        }
        for (String p : request.gradientPoints()) {
            ProbePoint point = manifest.probePoint(p);
            if (startIndex >= 0 && point.index() < startIndex) {
                throw new ModelException("no gradient at '" + p + "': the run starts later, at '" + request.startAt() + "'");
            }
        }
        for (String p : request.replacements().keySet()) {
            ProbePoint point = manifest.probePoint(p);
            if (startIndex >= 0 && point.index() < startIndex) {
                throw new ModelException("cannot replace '" + p + "': the run starts later, at '" + request.startAt() + "'");
            }
        }
    }

    private void checkPointTensors(Map<String, NDArray> tensors, long batch, long seq, String what) {
        for (var e : tensors.entrySet()) {
            ProbePoint p = manifest.probePoint(e.getKey());
            long[] expected = batchShape(batch, p, seq);
            long[] got = e.getValue().getShape().getShape();
            if (!Arrays.equals(expected, got)) {
                throw new ModelException(what + " for '" + p.name() + "' has shape " + e.getValue().getShape()
                        + ", expected " + new Shape(expected));
            }
        }
    }

    @Override
    public void close() {
        modelManager.close();
    }

    /** Transforms every float32 array of {@code parameters} in place ({@link #transformWeights}). */
    protected static void transformParameters(PairList<String, Parameter> parameters, WeightTransform transform) {
        for (Pair<String, Parameter> p : parameters) {
            NDArray a = p.getValue().getArray();
            if (a.getDataType() != DataType.FLOAT32) {
                continue;
            }
            float[] v = transform.apply(a.getShape().getShape(), a.toFloatArray());
            if (v.length != a.getShape().size()) {
                throw new IllegalStateException("weight transform returned " + v.length + " values for parameter '"
                        + p.getKey() + "' of shape " + a.getShape());
            }
            a.set(v);
        }
    }

    /** Rounds every float32 array of {@code parameters} in place ({@link #roundWeights}). */
    protected static void roundParameters(PairList<String, Parameter> parameters, DoubleUnaryOperator rounding) {
        for (Pair<String, Parameter> p : parameters) {
            NDArray a = p.getValue().getArray();
            if (a.getDataType() != DataType.FLOAT32) {
                continue;
            }
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rounding.applyAsDouble(v[i]);
            }
            a.set(v);
        }
    }
}
