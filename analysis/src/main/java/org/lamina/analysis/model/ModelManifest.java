package org.lamina.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed {@code model.json} of a model directory. Read with {@link ManifestReader}, which
 * validates every field and reports the file and field at fault.
 *
 * @param directory   the model directory (the manifest's parent)
 * @param name        short model name, e.g. {@code fashion-cnn}
 * @param description free text for the user
 * @param format      {@code torchscript} or {@code djl}
 * @param file        weights file relative to {@code directory} ({@code .pt}, {@code .params},
 *                    {@code .npz} or {@code .safetensors})
 * @param architecture e.g. {@code sequential}, {@code resnet}, {@code vit}, {@code mlp},
 *                    {@code cnn}
 * @param input       input shape and normalisation
 * @param labels      class names, index = logit position
 * @param probePoints probe points in forward order
 * @param patchGrid   ViT patch grid (rows, cols) or empty
 * @param network     architecture parameters of a built-in DJL network ({@code djl} format),
 *                    otherwise {@code null}
 * @param training    free-form provenance of training (accuracy, command, seed), may be empty
 * @param languageModel the causal-LM fields of a {@code "kind": "causal-lm"} manifest, {@code null}
 *                    for an image (or vector) model; such a model has no {@code labels} (its
 *                    classes are the vocabulary) and its {@code input} is a placeholder
 *                    {@code [maxLength]} that image code must not use ({@link #isCausalLm()})
 */
public record ModelManifest(
        Path directory,
        String name,
        String description,
        String format,
        String file,
        String architecture,
        InputSpec input,
        List<String> labels,
        List<ProbePoint> probePoints,
        Optional<int[]> patchGrid,
        JsonNode network,
        Map<String, Object> training,
        LanguageModelSpec languageModel) {

    /** A manifest of an image or vector model (no causal-LM part). */
    public ModelManifest(Path directory, String name, String description, String format, String file,
                         String architecture, InputSpec input, List<String> labels, List<ProbePoint> probePoints,
                         Optional<int[]> patchGrid, JsonNode network, Map<String, Object> training) {
        this(directory, name, description, format, file, architecture, input, labels, probePoints, patchGrid,
                network, training, null);
    }

    /** The manifest's kind: {@code "causal-lm"} or {@code "image"} (today's models, kind absent). */
    public String kind() {
        return languageModel == null ? "image" : LanguageModelSpec.KIND;
    }

    /** Whether this is a decoder language model (token-id input, per-token probe points). */
    public boolean isCausalLm() {
        return languageModel != null;
    }

    /** The causal-LM part, or a refusal naming the model for code that needs a language model. */
    public LanguageModelSpec requireLanguageModel() {
        if (languageModel == null) {
            throw new ModelException("model '" + name + "' is not a language model (its model.json has no \"kind\": \""
                    + LanguageModelSpec.KIND + "\")");
        }
        return languageModel;
    }

    /**
     * Refuses a language model for an analysis that needs image (or vector) inputs and class
     * labels, before anything else runs: without it a causal-LM reached code that read its empty
     * label list or its token shape and failed with a message about classes or shapes rather than
     * about the kind of model (issue #18). The message names the analysis, the model and what
     * works on a language model instead.
     *
     * @param analysis what refuses, for the message (e.g. {@code "CRAFT"}, {@code "evaluate"})
     */
    public void requireNotLanguageModel(String analysis) {
        if (languageModel != null) {
            throw new ModelException(analysis + " works on image and vector classifiers; model '" + name
                    + "' is a language model (model.json \"kind\": \"" + LanguageModelSpec.KIND + "\"). "
                    + "For a language model use: lamina predict MODEL --text TEXT, lamina lens MODEL --text TEXT, "
                    + "lamina probe MODEL --concepts TEXT_SET (concept depth), or the explorer's Text tab");
        }
    }

    /** Formats Lamina can run. */
    public static final String FORMAT_TORCHSCRIPT = "torchscript";
    public static final String FORMAT_DJL = "djl";

    /** The weights file. */
    public Path weightsFile() {
        return directory.resolve(file);
    }

    /** The manifest file itself. */
    public Path manifestFile() {
        return directory.resolve(ManifestReader.FILE_NAME);
    }

    /** The probe point of that name, or an error that lists the model's points. */
    public ProbePoint probePoint(String pointName) {
        for (ProbePoint p : probePoints) {
            if (p.name().equals(pointName)) {
                return p;
            }
        }
        throw new ModelException("Model '" + name + "' has no probe point '" + pointName
                + "'. Its probe points are: " + probePoints.stream().map(ProbePoint::name).toList());
    }

    /** Measured test accuracy recorded at training time, if any. */
    public Optional<Double> recordedTestAccuracy() {
        Object v = training.get("testAccuracy");
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    /**
     * Model input: shape of one sample and per-channel normalisation for pixel values in [0, 1]
     * ({@code (x - mean) / std}), and how images of another size are brought to the shape
     * ({@link ImagePreprocessing}: the manifest's optional top-level {@code preprocessing}).
     */
    public record InputSpec(long[] shape, float[] mean, float[] std, ImagePreprocessing preprocessing) {
        public InputSpec {
            shape = shape.clone();
            mean = mean.clone();
            std = std.clone();
            java.util.Objects.requireNonNull(preprocessing, "preprocessing (ImagePreprocessing.STRETCH when none)");
        }

        /** An input with no recorded preprocessing ({@link ImagePreprocessing#STRETCH}). */
        public InputSpec(long[] shape, float[] mean, float[] std) {
            this(shape, mean, std, ImagePreprocessing.STRETCH);
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public float[] mean() {
            return mean.clone();
        }

        @Override
        public float[] std() {
            return std.clone();
        }

        /** Channels of an image input (first dimension of a 3-D shape), 1 for vectors. */
        public int channels() {
            return shape.length == 3 ? (int) shape[0] : 1;
        }

        /** Whether the input is an image (C, H, W). */
        public boolean isImage() {
            return shape.length == 3;
        }
    }
}
