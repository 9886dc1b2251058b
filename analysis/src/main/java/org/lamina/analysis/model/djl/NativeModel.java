package org.lamina.analysis.model.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import com.fasterxml.jackson.databind.JsonNode;

import org.lamina.analysis.model.AbstractProbeableModel;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.provenance.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A built-in DJL network ({@link Mlp} or {@link SmallCnn}) as a probeable model. Weights come
 * from DJL {@code .params} (what {@link ai.djl.Model#save} writes) or, for an MLP, from an
 * {@code .npz} with PyTorch names {@code fc<i>.weight} ({@code [out, in]}) and {@code fc<i>.bias}.
 */
public final class NativeModel extends AbstractProbeableModel {

    private final Model model;
    private final StagedNetwork network;
    private final ParameterStore parameterStore;
    private final String sha256;

    private NativeModel(ModelManifest manifest, Device device, Model model, StagedNetwork network, String sha256) {
        super(manifest, device, model.getNDManager());
        this.model = model;
        this.network = network;
        this.parameterStore = new ParameterStore(model.getNDManager(), false);
        this.sha256 = sha256;
    }

    /** Builds the network the manifest describes and loads its weights. */
    public static NativeModel open(ModelManifest manifest, Device device) {
        ModelRuntime.engine();
        StagedNetwork network = networkOf(manifest);
        Model model = Model.newInstance(manifest.name(), device, ModelRuntime.ENGINE);
        model.setBlock(network);
        Path file = manifest.weightsFile();
        String fileName = file.getFileName().toString();
        Shape inputShape = new Shape(1).addAll(new Shape(manifest.input().shape()));
        try {
            if (fileName.endsWith(".params")) {
                String prefix = fileName.replaceFirst("(-\\d{4})?\\.params$", "");
                model.load(file.getParent(), prefix, Map.of("epoch", epochOf(fileName)));
            } else if (fileName.endsWith(".npz") && network instanceof Mlp mlp) {
                network.initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
                loadPytorchLinearWeights(mlp, file, model.getNDManager());
            } else {
                throw new ModelException(manifest.manifestFile() + ": field 'file' must name DJL .params weights"
                        + " (or .npz for an mlp), got " + manifest.file());
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            if (e instanceof ModelException me) {
                throw me;
            }
            throw new ModelException(file + ": cannot load weights for the " + manifest.architecture()
                    + " described in model.json (" + e.getMessage() + ")", e);
        }
        // Analyses never train a loaded model: frozen weights keep autograd to the activations.
        network.freezeParameters(true);
        NativeModel m = new NativeModel(manifest, device, model, network, Sha256.of(file));
        m.checkProbePoints(inputShape);
        return m;
    }

    /** Wraps a network held in memory (for example while it trains) as a probeable model. */
    public static NativeModel wrap(ModelManifest manifest, Model model) {
        if (!(model.getBlock() instanceof StagedNetwork network)) {
            throw new IllegalArgumentException("the model's block is not a Lamina StagedNetwork");
        }
        return new NativeModel(manifest, model.getNDManager().getDevice(), model, network, "in-memory");
    }

    /** The network, for training or inspection. */
    public StagedNetwork network() {
        return network;
    }

    private static String epochOf(String fileName) {
        var m = java.util.regex.Pattern.compile("-(\\d{4})\\.params$").matcher(fileName);
        return m.find() ? String.valueOf(Integer.parseInt(m.group(1))) : "0";
    }

    /** The network a {@code djl} manifest's {@code network} object describes. */
    public static StagedNetwork networkOf(ModelManifest manifest) {
        JsonNode n = manifest.network();
        String where = manifest.manifestFile() + ": field 'network.";
        String type = manifest.architecture();
        switch (type) {
            case "mlp" -> {
                int[] widths = ints(n.get("widths"), where + "widths'");
                String act = n.path("activation").asText("tanh");
                return new Mlp(widths, Mlp.Kind.parse(act));
            }
            case "cnn" -> {
                int[] channels = ints(n.get("channels"), where + "channels'");
                return new SmallCnn(channels, manifest.labels().size());
            }
            default -> throw new ModelException(manifest.manifestFile() + ": field 'architecture' must be \"mlp\" or \"cnn\""
                    + " for format \"djl\", got \"" + type + "\"");
        }
    }

    private static int[] ints(JsonNode node, String field) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new ModelException(field + " must be a non-empty list of positive integers");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isIntegralNumber() || node.get(i).asInt() < 1) {
                throw new ModelException(field + " must be a non-empty list of positive integers, got " + node);
            }
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    private static void loadPytorchLinearWeights(Mlp mlp, Path npz, NDManager manager) throws IOException {
        NDList arrays;
        try (InputStream in = Files.newInputStream(npz)) {
            arrays = NDList.decode(manager, in);
        }
        for (int i = 1; i <= mlp.layerCount(); i++) {
            for (String kind : List.of("weight", "bias")) {
                String key = "fc" + i + "." + kind;
                NDArray value = arrays.stream().filter(a -> key.equals(a.getName())).findFirst()
                        .orElseThrow(() -> new ModelException(npz + ": missing array '" + key + "'"));
                Parameter p = mlp.linear(i).getParameters().get(kind);
                if (!p.getArray().getShape().equals(value.getShape())) {
                    throw new ModelException(npz + ": array '" + key + "' has shape " + value.getShape()
                            + ", the network expects " + p.getArray().getShape());
                }
                p.getArray().set(value.toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
        arrays.close();
    }

    private void checkProbePoints(Shape batchInput) {
        List<String> names = network.probePointNames();
        List<Shape> shapes = network.stageShapes(batchInput.slice(1));
        for (ProbePoint p : manifest.probePoints()) {
            int at = names.indexOf(p.name());
            if (at < 0) {
                close();
                throw new ModelException(manifest.manifestFile() + ": probe point '" + p.name()
                        + "' does not exist in the " + manifest.architecture() + "; its points are " + names);
            }
            if (at != p.index()) {
                close();
                throw new ModelException(manifest.manifestFile() + ": probe point '" + p.name() + "' is at position "
                        + p.index() + " in the manifest but " + at + " in the network; list every point in forward order: "
                        + names);
            }
            if (!Arrays.equals(shapes.get(at).getShape(), p.shape())) {
                close();
                throw new ModelException(manifest.manifestFile() + ": probe point '" + p.name() + "' has shape "
                        + Arrays.toString(p.shape()) + " in the manifest but " + shapes.get(at) + " in the network");
            }
        }
    }

    @Override
    protected Map<String, NDArray> forward(NDManager scope, int startIndex, NDArray x,
                                          Map<String, NDArray> interventions, boolean withGradient,
                                          boolean logitsOnly) {
        return network.forwardProbed(parameterStore, startIndex, x, interventions, false);
    }

    @Override
    public String weightsSha256() {
        return sha256;
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : network.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Override
    public void roundWeights(java.util.function.DoubleUnaryOperator rounding) {
        roundParameters(network.getParameters(), rounding);
    }

    @Override
    public void transformWeights(WeightTransform transform) {
        transformParameters(network.getParameters(), transform);
    }

    @Override
    public void close() {
        model.close();
    }
}
