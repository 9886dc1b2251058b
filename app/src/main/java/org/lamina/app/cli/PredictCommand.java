package org.lamina.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.data.IdxFile;
import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lamina predict MODEL IMAGE...}: top classes of images or IDX items; {@code lamina predict
 * LM --text "..."}: a language model's next-token distribution after each text
 * ({@link LanguagePrediction}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify images (PNG/JPEG, resized and normalised per the manifest) or the items of an IDX file.",
                "For a language model (kind causal-lm): the next-token distribution after each --text."})
final class PredictCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or sample:NAME.")
    String model;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "INPUT",
            description = "Image files, or IDX image files (.idx3-ubyte, gzipped or not).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--text", paramLabel = "TEXT",
            description = "A prompt for a language model (repeatable): shows the most probable next tokens.")
    List<String> texts = new ArrayList<>();

    @Option(names = "--truncate", description = "Language model: cut a text longer than the model's maxLength to its "
            + "first maxLength tokens (with a warning) instead of refusing it.")
    boolean truncate;

    @Option(names = "--out", paramLabel = "DIR", description = "Language model: also write predictions.json and "
            + "predictions.csv into DIR (created if needed).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--top", defaultValue = "5", description = "Classes to show per input (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--limit", defaultValue = "16", description = "Items to take from each IDX file (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON: predictions [{label, index, probability}] and logits per input.")
    boolean json;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        try (ProbeableModel m = ModelLoader.open(model, device.choice());
             NDManager manager = NDManager.newBaseManager(m.device())) {
            ModelManifest mf = m.manifest();
            if (mf.isCausalLm()) {
                if (!inputs.isEmpty()) {
                    throw new IllegalArgumentException("model '" + mf.name() + "' is a language model: give prompts with "
                            + "--text \"...\", not files (" + inputs.get(0) + ")");
                }
                if (texts.isEmpty()) {
                    throw new IllegalArgumentException("model '" + mf.name() + "' is a language model: give a prompt with "
                            + "--text \"...\"");
                }
                new LanguagePrediction(m, texts, top, truncate, json, out, spec).run();
                return;
            }
            if (!texts.isEmpty() || out != null || truncate) {
                throw new IllegalArgumentException("--text, --truncate and --out are for language models; model '" + mf.name()
                        + "' is an image model: give image or IDX files");
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("give at least one image or IDX file to classify");
            }
            List<String> names = new ArrayList<>();
            List<float[]> samples = new ArrayList<>();
            for (Path p : inputs) {
                collect(p, mf, names, samples);
            }
            long[] shape = mf.input().shape();
            int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] batch = new float[samples.size() * size];
            for (int i = 0; i < samples.size(); i++) {
                System.arraycopy(samples.get(i), 0, batch, i * size, size);
            }
            long[] full = new long[shape.length + 1];
            full[0] = samples.size();
            System.arraycopy(shape, 0, full, 1, shape.length);
            NDArray x = manager.create(batch, new Shape(full));
            Trace t = m.run(manager, RunRequest.fromInput(x).build());
            float[][] logits = rows(t.logits());
            float[][] probs = rows(t.logits().softmax(1));
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("input", names.get(i));
                r.put("predictions", topK(probs[i], mf.labels()));
                r.put("logits", logits[i]);
                results.add(r);
            }
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", mf.name());
                out.put("sha256", m.weightsSha256());
                out.put("device", m.device().toString());
                if (results.size() == 1) {
                    out.put("predictions", results.get(0).get("predictions"));
                    out.put("logits", results.get(0).get("logits"));
                }
                out.put("results", results);
                System.out.println(Json.write(out));
                return;
            }
            for (Map<String, Object> r : results) {
                System.out.println(r.get("input"));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> preds = (List<Map<String, Object>>) r.get("predictions");
                for (Map<String, Object> p : preds) {
                    System.out.printf("  %6.2f%%  %2d  %s%n", 100 * ((Number) p.get("probability")).doubleValue(),
                            p.get("index"), p.get("label"));
                }
            }
        }
    }

    private void collect(Path p, ModelManifest mf, List<String> names, List<float[]> samples) {
        String file = p.getFileName().toString();
        long[] shape = mf.input().shape();
        if (file.contains("idx") || file.contains("ubyte")) {
            IdxFile idx = IdxFile.read(p);
            int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (idx.dims().length < 2 || idx.itemSize() != size) {
                throw new ModelException(p + ": IDX items have shape " + Arrays.toString(Arrays.copyOfRange(idx.dims(), 1, idx.dims().length))
                        + " but the model '" + mf.name() + "' expects " + Arrays.toString(shape));
            }
            for (int i = 0; i < Math.min(limit, idx.count()); i++) {
                names.add(p + "#" + i);
                samples.add(ImageInput.normalise(idx.itemAsUnitFloats(i), mf.input().channels(),
                        mf.input().mean(), mf.input().std()));
            }
            return;
        }
        if (!mf.input().isImage()) {
            throw new ModelException("model '" + mf.name() + "' takes vectors of shape " + Arrays.toString(shape)
                    + ", not images: " + p);
        }
        int c = (int) shape[0];
        float[] chw = ImageInput.toUnitChw(ImageInput.read(p), mf.input());
        names.add(p.toString());
        samples.add(ImageInput.normalise(chw, c, mf.input().mean(), mf.input().std()));
    }

    private List<Map<String, Object>> topK(float[] probs, List<String> labels) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probs[i]));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int k = 0; k < Math.min(top, order.length); k++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("label", labels.get(order[k]));
            p.put("index", order[k]);
            p.put("probability", probs[order[k]]);
            out.add(p);
        }
        return out;
    }

    private static float[][] rows(NDArray a) {
        int n = (int) a.getShape().get(0);
        int w = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] out = new float[n][w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * w, out[i], 0, w);
        }
        return out;
    }
}
