package org.lamina.analysis.neuronpath;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The neurons of a ViT in Lamina's export convention: the FFN hidden activation after GELU of
 * every block, probe points {@code blocks.i.mlp.act} of shape {@code [tokens, hidden]} (spec
 * "What a neuron is"). Also builds the intervention tensors that overwrite only the neuron
 * token(s) of such a point — NeuronPath's {@code x[:, 0] = tmp_score}: a 0/1 scale mask plus an
 * addend, so the other tokens are computed normally and autograd is cut only where the
 * reference cuts it.
 *
 * @param points one probe point name per block, in block order
 * @param tokens tokens per sample (CLS + patches)
 * @param width  FFN hidden width (neurons per block)
 * @param mode   which token(s) carry the neurons
 */
public record FfnNeurons(List<String> points, int tokens, int width, TokenMode mode) {

    private static final Pattern FFN_POINT = Pattern.compile("blocks\\.(\\d+)\\.mlp\\.act");

    public FfnNeurons {
        points = List.copyOf(points);
    }

    /** Finds {@code blocks.0.mlp.act … blocks.(L-1).mlp.act} in the manifest, or says what is there instead. */
    public static FfnNeurons of(ModelManifest manifest, TokenMode mode) {
        List<ProbePoint> found = new ArrayList<>();
        for (ProbePoint p : manifest.probePoints()) {
            Matcher m = FFN_POINT.matcher(p.name());
            if (m.matches()) {
                int block = Integer.parseInt(m.group(1));
                if (block != found.size()) {
                    throw new NeuronPathException(manifest.manifestFile() + ": FFN probe points must be blocks.0.mlp.act, "
                            + "blocks.1.mlp.act, … in order; found '" + p.name() + "' after " + found.size() + " of them");
                }
                found.add(p);
            }
        }
        if (found.isEmpty()) {
            throw new NeuronPathException("model '" + manifest.name() + "' has no FFN activation points blocks.i.mlp.act "
                    + "(neuron paths need a vision transformer); its probe points are "
                    + manifest.probePoints().stream().map(ProbePoint::name).toList()
                    + ". Export a timm-style ViT with: python3 tools/lamina_export.py (kind=\"vit\"), which exposes "
                    + "blocks.i.mlp.act [tokens, hidden]");
        }
        long[] shape = found.get(0).shape();
        for (ProbePoint p : found) {
            if (p.shape().length != 2 || p.shape()[0] != shape[0] || p.shape()[1] != shape[1]) {
                throw new NeuronPathException(manifest.manifestFile() + ": probe point '" + p.name() + "' has shape "
                        + java.util.Arrays.toString(p.shape()) + ", expected [tokens, hidden] like "
                        + java.util.Arrays.toString(shape) + " of blocks.0.mlp.act");
            }
        }
        if (mode == TokenMode.PATCH_SUM && shape[0] < 2) {
            throw new NeuronPathException("token mode PATCH_SUM needs patch tokens, but " + found.get(0).name()
                    + " has only " + shape[0] + " token");
        }
        return new FfnNeurons(found.stream().map(ProbePoint::name).toList(), (int) shape[0], (int) shape[1], mode);
    }

    /**
     * Checks that the model honours the convention's {@code *P} scale key (TorchScript files
     * exported before it was added silently ignore it, which would make every score wrong): one
     * forward with the neuron rows of block 0 scaled by 0 must give zeros there.
     */
    public void requireScaleSupport(org.lamina.analysis.model.ProbeableModel model) {
        var in = model.manifest().input().shape();
        long[] shape = new long[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        try (NDManager mgr = NDManager.newBaseManager(model.device())) {
            NDArray x = mgr.ones(new Shape(shape));
            float[] zero = new float[width];
            var request = org.lamina.analysis.model.RunRequest.fromInput(x).capture(points.get(0))
                    .scale(points.get(0), neuronScale(mgr, 1, zero)).build();
            try (var t = model.run(mgr, request)) {
                NDArray rows = t.activation(points.get(0)).get(new ai.djl.ndarray.index.NDIndex(":, {}:{}, :", firstRow(),
                        firstRow() + rows()));
                if (rows.abs().max().getFloat() != 0f) {
                    throw new NeuronPathException("model '" + model.manifest().name() + "' ignores the '*P' scale key of "
                            + "Lamina's TorchScript convention (its " + model.manifest().file() + " was exported before "
                            + "the key existed); re-export it with tools/lamina_export.py, or re-script the existing file "
                            + "with: python3 tools/fixtures/rewrap_vit.py " + model.manifest().manifestFile().getParent());
                }
            }
        }
    }

    /** Number of blocks L. */
    public int blocks() {
        return points.size();
    }

    /** First token row that carries neurons (0 for CLS, 1 for patch sums). */
    public int firstRow() {
        return mode == TokenMode.CLS ? 0 : 1;
    }

    /** Token rows that carry neurons (1 for CLS, tokens − 1 for patch sums). */
    public int rows() {
        return mode == TokenMode.CLS ? 1 : tokens - 1;
    }

    /**
     * The scale mask that zeroes the neuron rows: {@code [batch, tokens, width]}, 0 on the neuron
     * rows, 1 elsewhere.
     */
    public NDArray overwriteMask(NDManager mgr, int batch) {
        NDArray keep = mgr.ones(new Shape(batch, tokens - rows(), width), DataType.FLOAT32);
        NDArray drop = mgr.zeros(new Shape(batch, rows(), width), DataType.FLOAT32);
        return firstRow() == 0 ? NDArrays.concat(new ai.djl.ndarray.NDList(drop, keep), 1)
                : NDArrays.concat(new ai.djl.ndarray.NDList(keep, drop), 1);
    }

    /**
     * The addend that writes {@code values} ({@code [batch × rows × width]}, row-major) into the
     * neuron rows and zero elsewhere: {@code [batch, tokens, width]}.
     */
    public NDArray overwriteValues(NDManager mgr, int batch, float[] values) {
        NDArray v = mgr.create(values, new Shape(batch, rows(), width));
        NDArray rest = mgr.zeros(new Shape(batch, tokens - rows(), width), DataType.FLOAT32);
        return firstRow() == 0 ? NDArrays.concat(new ai.djl.ndarray.NDList(v, rest), 1)
                : NDArrays.concat(new ai.djl.ndarray.NDList(rest, v), 1);
    }

    /**
     * A scale mask with {@code factors} ({@code [batch × width]}) on the neuron rows (the same
     * factor on every patch row in PATCH_SUM mode) and 1 elsewhere (manipulation, pruning).
     */
    public NDArray neuronScale(NDManager mgr, int batch, float[] factors) {
        NDArray f = mgr.create(factors, new Shape(batch, 1, width));
        if (rows() > 1) {
            f = f.repeat(1, rows());
        }
        NDArray rest = mgr.ones(new Shape(batch, tokens - rows(), width), DataType.FLOAT32);
        return firstRow() == 0 ? NDArrays.concat(new ai.djl.ndarray.NDList(f, rest), 1)
                : NDArrays.concat(new ai.djl.ndarray.NDList(rest, f), 1);
    }
}
