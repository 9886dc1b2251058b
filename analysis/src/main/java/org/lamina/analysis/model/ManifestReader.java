package org.lamina.analysis.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates {@code model.json}. Every problem is reported as a {@link ModelException}
 * that names the file and the JSON field (dotted path, e.g. {@code probePoints[2].shape}) and
 * says what was expected, so a user can fix a hand-written manifest without reading code.
 */
public final class ManifestReader {

    /** Name of the manifest file inside a model directory. */
    public static final String FILE_NAME = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private ManifestReader(Path file) {
        this.file = file;
    }

    /** Reads {@code directory/model.json}. */
    public static ModelManifest read(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelException("Model directory not found: " + dir);
        }
        return new ManifestReader(dir.resolve(FILE_NAME)).parse();
    }

    private ModelManifest parse() {
        JsonNode root;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // A FIFO or device would block the read below forever.
            throw new ModelException(file + ": not a regular file (expected the " + FILE_NAME + " manifest)");
        }
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": file not found (every model directory needs a "
                    + FILE_NAME + " manifest; tools/lamina_export.py writes one)");
        } catch (JsonProcessingException e) {
            throw new ModelException(file + ": not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw error("(top level)", "a JSON object");
        }
        String name = text(root, "name");
        String description = root.path("description").asText("");
        String format = text(root, "format");
        if (!format.equals(ModelManifest.FORMAT_TORCHSCRIPT) && !format.equals(ModelManifest.FORMAT_DJL)) {
            throw error("format", "\"torchscript\" or \"djl\", got \"" + format + "\"");
        }
        String weights = text(root, "file");
        checkWeightsFile(weights);
        Path dir = file.getParent();
        String architecture = text(root, "architecture");
        LanguageModelSpec lm = null;
        JsonNode kind = root.get("kind");
        if (kind != null && !kind.isNull()) {
            if (!kind.isTextual() || !Set.of("image", LanguageModelSpec.KIND).contains(kind.asText())) {
                throw error("kind", "\"image\" (or absent) or \"" + LanguageModelSpec.KIND + "\", got " + kind);
            }
            if (kind.asText().equals(LanguageModelSpec.KIND)) {
                if (!format.equals(ModelManifest.FORMAT_TORCHSCRIPT)) {
                    throw error("format", "\"torchscript\" for a \"causal-lm\" model, got \"" + format + "\"");
                }
                lm = LanguageModelFields.read(root, file, this::error);
            }
        }
        ModelManifest.InputSpec input = lm != null
                ? new ModelManifest.InputSpec(new long[] {lm.maxLength()}, new float[] {0f}, new float[] {1f})
                : input(root);
        List<String> labels = lm != null ? List.of() : labels(root);
        List<ProbePoint> points = probePoints(root, lm != null);
        if (lm != null) {
            LanguageModelFields.checkPoints(lm, points, this::error);
        }
        Optional<int[]> patchGrid = Optional.empty();
        if (root.has("patchGrid") && !root.get("patchGrid").isNull()) {
            long[] grid = positiveInts(root.get("patchGrid"), "patchGrid");
            if (grid.length != 2) {
                throw error("patchGrid", "two positive integers [rows, cols]");
            }
            patchGrid = Optional.of(new int[] {(int) grid[0], (int) grid[1]});
        }
        JsonNode network = root.get("network");
        if (format.equals(ModelManifest.FORMAT_DJL) && (network == null || !network.isObject())) {
            throw error("network", "an object with the built-in network's parameters (format \"djl\")");
        }
        Map<String, Object> training = new LinkedHashMap<>();
        JsonNode t = root.get("training");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw error("training", "an object (free-form training provenance)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(t, Map.class);
            training.putAll(m);
        }
        return new ModelManifest(dir, name, description, format, weights, architecture, input,
                List.copyOf(labels), List.copyOf(points), patchGrid, network, training, lm);
    }

    /**
     * The weights file must be a regular file inside the model directory, after resolving
     * symbolic links: a manifest must not make Lamina read (and hash into provenance) a file
     * elsewhere, and a FIFO or device would hang the loader.
     */
    private void checkWeightsFile(String weights) {
        Path dir = file.getParent();
        Path named;
        try {
            named = dir.resolve(weights);
        } catch (InvalidPathException e) {
            throw error("file", "a file name inside " + dir + ", got \"" + weights + "\" (" + e.getReason() + ")");
        }
        if (!Files.exists(named, LinkOption.NOFOLLOW_LINKS) || !Files.exists(named)) {
            throw new ModelException(file + ": field 'file' names " + weights + ", which does not exist in " + dir);
        }
        Path real;
        Path realDir;
        try {
            real = named.toRealPath();
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new ModelException(file + ": field 'file' names " + weights + ", which cannot be resolved: " + e.getMessage(), e);
        }
        if (!real.startsWith(realDir) || real.equals(realDir)) {
            throw new ModelException(file + ": field 'file' names " + weights + ", which is " + real
                    + ", outside the model directory " + realDir + " (weights must be inside it)");
        }
        if (!Files.isRegularFile(real)) {
            String kind = Files.isDirectory(real) ? "a directory" : "not a regular file (a FIFO, socket or device)";
            throw new ModelException(file + ": field 'file' names " + weights + ", which is " + kind
                    + "; expected a regular weights file");
        }
    }

    private ModelManifest.InputSpec input(JsonNode root) {
        JsonNode in = root.get("input");
        if (in == null || !in.isObject()) {
            throw error("input", "an object with \"shape\", \"mean\" and \"std\"");
        }
        long[] shape = positiveInts(in.get("shape"), "input.shape");
        if (shape.length < 1 || shape.length > 3) {
            throw error("input.shape", "1 to 3 dimensions without the batch, e.g. [1, 28, 28], got "
                    + shape.length);
        }
        int channels = shape.length == 3 ? (int) shape[0] : 1;
        float[] mean = floats(in.get("mean"), "input.mean");
        float[] std = floats(in.get("std"), "input.std");
        if (mean.length != channels && mean.length != 1) {
            throw error("input.mean", channels + " values (one per channel), got " + mean.length);
        }
        if (std.length != mean.length) {
            throw error("input.std", mean.length + " values (as many as input.mean), got " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw error("input.std", "positive values, got " + s);
            }
        }
        return new ModelManifest.InputSpec(shape, mean, std, preprocessing(root, shape));
    }

    /**
     * The optional top-level {@code preprocessing} object ({@link ImagePreprocessing}); absent or
     * null: {@link ImagePreprocessing#STRETCH}. The crop must be the image input's height and width.
     */
    private ImagePreprocessing preprocessing(JsonNode root, long[] shape) {
        JsonNode p = root.get("preprocessing");
        if (p == null || p.isNull()) {
            return ImagePreprocessing.STRETCH;
        }
        String expected = "an object {\"resizeShorter\": N, \"centerCrop\": M, \"interpolation\": \"bilinear\" or "
                + "\"bicubic\"}";
        if (!p.isObject()) {
            throw error("preprocessing", expected);
        }
        for (var it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("resizeShorter", "centerCrop", "interpolation").contains(f)) {
                throw error("preprocessing." + f, "absent: preprocessing knows only resizeShorter, centerCrop and "
                        + "interpolation");
            }
        }
        if (shape.length != 3) {
            throw error("preprocessing", "absent for a model whose input is not an image [c, h, w] (input.shape has "
                    + shape.length + " dimension(s))");
        }
        int resize = positiveInt(p.get("resizeShorter"), "preprocessing.resizeShorter");
        int crop = positiveInt(p.get("centerCrop"), "preprocessing.centerCrop");
        if (crop != shape[1] || crop != shape[2]) {
            throw error("preprocessing.centerCrop", "the input's height and width (input.shape " + Arrays.toString(shape)
                    + "), got " + crop);
        }
        if (crop > resize) {
            throw error("preprocessing.centerCrop", "at most preprocessing.resizeShorter (" + resize + "), got " + crop);
        }
        JsonNode i = p.get("interpolation");
        if (i == null || !i.isTextual()) {
            throw error("preprocessing.interpolation", "\"bilinear\" or \"bicubic\"");
        }
        ImagePreprocessing.Interpolation interpolation = switch (i.asText()) {
            case "bilinear" -> ImagePreprocessing.Interpolation.BILINEAR;
            case "bicubic" -> ImagePreprocessing.Interpolation.BICUBIC;
            default -> throw error("preprocessing.interpolation", "\"bilinear\" or \"bicubic\", got \"" + i.asText() + "\"");
        };
        return new ImagePreprocessing(resize, crop, interpolation);
    }

    private int positiveInt(JsonNode n, String field) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw error(field, "a positive integer, got " + (n == null ? "nothing" : n.toString()));
        }
        return n.asInt();
    }

    private List<String> labels(JsonNode root) {
        JsonNode node = root.get("labels");
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw error("labels", "a non-empty list of class names");
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw error("labels[" + i + "]", "a string");
            }
            labels.add(node.get(i).asText());
        }
        return labels;
    }

    private List<ProbePoint> probePoints(JsonNode root, boolean perToken) {
        JsonNode node = root.get("probePoints");
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw error("probePoints", "a non-empty list of {\"name\", \"shape\", \"startable\"}");
        }
        List<ProbePoint> points = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode p = node.get(i);
            String field = "probePoints[" + i + "]";
            if (!p.isObject()) {
                throw error(field, "an object");
            }
            JsonNode n = p.get("name");
            if (n == null || !n.isTextual() || n.asText().isBlank()) {
                throw error(field + ".name", "a non-empty string");
            }
            String pointName = n.asText();
            if (pointName.equals("logits") || pointName.equals("_") || pointName.startsWith("+")) {
                throw error(field + ".name", "a name other than \"logits\", \"_\" or one starting with '+' (reserved)");
            }
            if (!seen.add(pointName)) {
                throw error(field + ".name", "a unique name; \"" + pointName + "\" appears twice");
            }
            long[] shape = perToken ? tokenShape(p.get("shape"), field + ".shape")
                    : positiveInts(p.get("shape"), field + ".shape");
            JsonNode s = p.get("startable");
            if (s != null && !s.isBoolean()) {
                throw error(field + ".startable", "true or false");
            }
            points.add(new ProbePoint(pointName, i, shape, s != null && s.asBoolean()));
        }
        return points;
    }

    private String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ModelException(file + ": missing field '" + field + "'");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw error(field, "a non-empty string");
        }
        return n.asText();
    }

    private long[] positiveInts(JsonNode n, String field) {
        if (n == null || !n.isArray()) {
            throw error(field, "a list of positive integers");
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).canConvertToLong() || !n.get(i).isIntegralNumber() || n.get(i).asLong() <= 0) {
                throw error(field, "a list of positive integers, got " + n);
            }
            out[i] = n.get(i).asLong();
        }
        return out;
    }

    /** A language model's per-row shape: positive integers, {@code -1} for the sequence length. */
    private long[] tokenShape(JsonNode n, String field) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw error(field, "a list of positive integers and -1 (the sequence length), e.g. [-1, 768]");
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < n.size(); i++) {
            JsonNode v = n.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || (v.asLong() <= 0 && v.asLong() != -1)) {
                throw error(field, "a list of positive integers and -1 (the sequence length), got " + n);
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private float[] floats(JsonNode n, String field) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw error(field, "a non-empty list of numbers");
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isNumber()) {
                throw error(field, "a list of numbers, got " + n);
            }
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    ModelException error(String field, String expected) {
        return new ModelException(file + ": field '" + field + "' must be " + expected);
    }
}
