package org.lamina.analysis.model.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.lamina.analysis.model.AbstractProbeableModel;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.provenance.Sha256;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TorchScript model in Lamina's convention.
 *
 * <p>Loaded with {@code trainParam=true} (otherwise libtorch loads the module under an
 * inference guard and gradients through it throw), then its parameters are frozen so that no
 * autograd graph is recorded for weights; every call uses {@code training=true} (the flag that
 * lets autograd run) and the module is put back in eval mode once, after the first call, so
 * batch-norm and dropout behave as at inference (STACK.md).
 */
public final class TorchScriptModel extends AbstractProbeableModel {

    private static final String DUMMY_KEY = "_";

    private final Model model;
    private final PtSymbolBlock block;
    private final ParameterStore parameterStore;
    private final String sha256;
    private boolean evalModeSet;

    private TorchScriptModel(ModelManifest manifest, Device device, Model model, String sha256) {
        super(manifest, device, model.getNDManager());
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.parameterStore = new ParameterStore(model.getNDManager(), false);
        this.sha256 = sha256;
    }

    /** Opens the {@code .pt} file named by the manifest and checks it against the manifest. */
    public static TorchScriptModel open(ModelManifest manifest, Device device) {
        ModelRuntime.engine();
        var file = manifest.weightsFile();
        if (!file.getFileName().toString().endsWith(".pt")) {
            throw new ModelException(manifest.manifestFile() + ": field 'file' must name a TorchScript .pt file for format "
                    + "\"torchscript\", got " + manifest.file());
        }
        Model model = Model.newInstance(manifest.name(), device, ModelRuntime.ENGINE);
        try {
            model.load(file, null, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelException(file + ": not a loadable TorchScript file (" + firstLine(e) + ")", e);
        }
        TorchScriptModel m = new TorchScriptModel(manifest, device, model, Sha256.of(file));
        try {
            m.block.freezeParameters(true);
            // Eval mode before the first call, not after it: the first call (the manifest check
            // at open) must not run batch-norm on batch statistics or update its running means.
            JniUtils.enableInferenceMode(m.block);
            m.evalModeSet = true;
            m.checkConvention();
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** The file must export Lamina's methods and the same probe points as its manifest. */
    private void checkConvention() {
        String[] methods = JniUtils.getMethodNames(block);
        List<String> have = Arrays.asList(methods);
        for (String needed : List.of("probe_points", "trace", "run_from")) {
            if (!have.contains(needed)) {
                throw new ModelException(manifest.weightsFile() + ": TorchScript file lacks method '" + needed
                        + "' of the Lamina convention (has " + have + "); export it with tools/lamina_export.py");
            }
        }
        List<String> filePoints = new java.util.ArrayList<>();
        try (IValue out = IValueUtils.runMethod(block, "probe_points")) {
            for (IValue v : out.toIValueArray()) {
                filePoints.add(v.toStringValue());
                v.close();
            }
        }
        for (ProbePoint p : manifest.probePoints()) {
            int at = filePoints.indexOf(p.name());
            if (at < 0) {
                throw new ModelException(manifest.manifestFile() + ": probe point '" + p.name()
                        + "' is not in the model file " + manifest.file() + ", whose probe points are " + filePoints);
            }
            if (at != p.index()) {
                throw new ModelException(manifest.manifestFile() + ": probe point '" + p.name() + "' is at position "
                        + p.index() + " in the manifest but " + at + " in " + manifest.file()
                        + " (list them in forward order)");
            }
        }
    }

    @Override
    protected Map<String, NDArray> forward(NDManager scope, int startIndex, NDArray x,
                                          Map<String, NDArray> interventions, boolean withGradient,
                                          boolean logitsOnly) {
        if (logitsOnly && startIndex < 0) {
            // The scripted forward() returns only the logits; trace() would also return (and
            // keep alive) every probe point, for nothing.
            x.setName("x");
            NDList out = withGradient ? call(new NDList(x)) : callWithoutAutograd(new NDList(x));
            NDArray logits = out.singletonOrThrow();
            return Map.of(LOGITS, logits);
        }
        NDList call = new NDList();
        // The first array's manager receives the outputs: keep it the per-call scope.
        NDArray method = scope.create(0f);
        method.setName("module_method:" + (startIndex < 0 ? "trace" : "run_from"));
        call.add(method);
        if (startIndex >= 0) {
            NDArray point = scope.create((long) startIndex);
            point.setName("point");
            call.add(point);
        }
        // A positional argument must not carry a dotted name (DJL would route it into a dict);
        // x is the runner's own copy, so renaming it touches no caller's array.
        x.setName("x");
        call.add(x);
        NDArray dummy = scope.zeros(new ai.djl.ndarray.types.Shape(1), DataType.FLOAT32, device);
        dummy.setName("replace." + DUMMY_KEY);
        call.add(dummy);
        for (var e : interventions.entrySet()) {
            NDArray v = e.getValue();
            v.setName("replace." + e.getKey());
            call.add(v);
        }
        NDList out = call(call);
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (NDArray a : out) {
            result.put(a.getName(), a);
        }
        return result;
    }

    /**
     * The scripted {@code forward} under libtorch's inference mode (DJL's {@code is_train=false}:
     * {@code c10::InferenceMode}), as Python runs a forward under {@code torch.no_grad()}: no
     * autograd bookkeeping and no version counters, which is what a plain forward pass over a data
     * set (evaluate, predictions) pays for nothing otherwise (issue #21, the ResNet-50 runner
     * ratio). Only for logits that no gradient will flow into: inference tensors cannot enter
     * autograd later. Called through {@link IValueUtils} rather than {@code block.forward(…, false)}
     * because the block's own {@code forward} would switch the module to train mode on the next
     * {@code training=true} call (batch-norm on batch statistics); this way the module stays in the
     * eval mode set at open.
     */
    private NDList callWithoutAutograd(NDList arguments) {
        try {
            return IValueUtils.forward(block, arguments, false);
        } catch (RuntimeException e) {
            throw new ModelException(manifest.name() + ": TorchScript call failed: " + firstLine(e), e);
        }
    }

    private NDList call(NDList arguments) {
        NDList out;
        try {
            out = block.forward(parameterStore, arguments, true);
        } catch (RuntimeException e) {
            throw new ModelException(manifest.name() + ": TorchScript call failed: " + firstLine(e), e);
        }
        if (!evalModeSet) {
            JniUtils.enableInferenceMode(block);
            evalModeSet = true;
        }
        return out;
    }

    @Override
    public String weightsSha256() {
        return sha256;
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Override
    public void roundWeights(java.util.function.DoubleUnaryOperator rounding) {
        roundParameters(block.getParameters(), rounding);
    }

    @Override
    public void transformWeights(WeightTransform transform) {
        transformParameters(block.getParameters(), transform);
    }

    @Override
    public void close() {
        model.close();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
