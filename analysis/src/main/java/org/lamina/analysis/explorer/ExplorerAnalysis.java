package org.lamina.analysis.explorer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.Objective;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.util.Arrays;

/**
 * One explorer run: a forward pass on one image that captures the chosen probe point, then a
 * second pass with the input gradient of the target class's softmax probability (the first pass
 * decides the class when the request says "predicted"). Saliency is the gradient's absolute
 * value, max over channels (Simonyan et al. 2014, "Deep Inside Convolutional Networks", eq. 2–3).
 */
public final class ExplorerAnalysis {

    /** Method name recorded in sessions. */
    public static final String METHOD = "explorer";

    private ExplorerAnalysis() {
    }

    /** Runs the request on the model; checks for cancellation between the two passes. */
    public static ExplorerResult run(ProbeableModel model, ExplorerRequest request, ProgressSink progress) {
        ModelManifest mf = model.manifest();
        mf.requireNotLanguageModel("The explorer's image view");
        if (!mf.input().isImage()) {
            throw new ModelException("the explorer needs an image model; '" + mf.name() + "' takes "
                    + Arrays.toString(mf.input().shape()));
        }
        mf.probePoint(request.probePoint());
        long[] shape = mf.input().shape();
        float[] pixels = request.pixels();
        if (pixels.length != shape[0] * shape[1] * shape[2]) {
            throw new ModelException("image has " + pixels.length + " values, model '" + mf.name() + "' expects "
                    + Arrays.toString(shape));
        }
        float[] normalised = ImageInput.normalise(pixels.clone(), (int) shape[0], mf.input().mean(), mf.input().std());
        progress.begin(2);
        progress.message("forward pass");
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            NDArray x = manager.create(normalised, new Shape(1, shape[0], shape[1], shape[2]));
            float[] probs;
            float[] activation;
            try (Trace t = model.run(manager, RunRequest.fromInput(x).capture(request.probePoint()).build())) {
                probs = t.logits().softmax(1).toFloatArray();
                activation = t.activation(request.probePoint()).toFloatArray();
            }
            progress.advance(1);
            progress.checkCancelled();
            int target = request.targetClass() < 0 ? argmax(probs) : request.targetClass();
            if (target >= probs.length) {
                throw new ModelException("class " + target + " out of range: model '" + mf.name() + "' has "
                        + probs.length + " classes");
            }
            progress.message("saliency of " + mf.labels().get(target));
            float[] saliency;
            try (Trace t = model.run(manager, RunRequest.fromInput(x)
                    .objective(Objective.classProbability(target)).inputGradient().build())) {
                saliency = channelMaxAbs(t.inputGradient().toFloatArray(), (int) shape[0], (int) (shape[1] * shape[2]));
            }
            progress.advance(1);
            return new ExplorerResult(mf.name(), model.weightsSha256(), request.source(), shape, pixels,
                    mf.labels(), probs, target, request.probePoint(), mf.probePoint(request.probePoint()).shape(),
                    activation, saliency, mf.patchGrid().orElse(new int[0]), ModelRuntime.versions(),
                    model.device().toString());
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] channelMaxAbs(float[] grad, int channels, int plane) {
        float[] out = new float[plane];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                out[i] = Math.max(out[i], Math.abs(grad[c * plane + i]));
            }
        }
        return out;
    }
}
