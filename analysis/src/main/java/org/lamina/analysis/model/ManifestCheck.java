package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a manifest against the network it describes, when the model is opened: one forward pass
 * on a zero input (batch 1) must run with {@code input.shape}, give every probe point the shape
 * the manifest claims and as many logits as there are {@code labels}; a {@code patchGrid} must
 * be the token grid of the model's token points; and a run started at a {@code startable} point
 * with its own activation must give the same logits as the full pass.
 *
 * <p>Why at open: every analysis trusts these fields. A wrong point shape gives a CHM-Corr grid
 * of 5 where the model has 7, a wrong input shape resizes images to a size the model was not
 * trained on, a wrong label count misnames classes or indexes past the logits — silently, or far
 * from the cause. The check costs one forward pass of batch 1 plus one partial pass per startable
 * point, once per opened model: on the bundled samples (2 shared CPU cores) 25–60 ms for
 * fashion-cnn, mnist-cnn and tiny-mlp and 100–250 ms for tiny-cnn, tiny-vit and fashion-vit,
 * beside 15–35 ms to load the file (medians of 9 opens on a loaded machine; the start runs are
 * about two thirds of it).
 *
 * <p>Every refusal is a {@link ModelException} that names {@code model.json}, the field, what the
 * manifest says and what the model gives.
 */
public final class ManifestCheck {

    /** Relative tolerance of a started run's logits against the full pass (float rounding of a different path). */
    static final double START_TOLERANCE = 1e-4;

    private ManifestCheck() {
    }

    /** Refuses {@code model} when its manifest says something its network does not do. */
    public static void check(ProbeableModel model) {
        ModelManifest mf = model.manifest();
        if (mf.isCausalLm()) {
            checkLanguageModel(model);
            return;
        }
        String where = mf.manifestFile().toString();
        long[] input = mf.input().shape();
        try (NDManager nm = NDManager.newBaseManager(model.device())) {
            NDArray zero = nm.zeros(new Shape(1).addAll(new Shape(input)), DataType.FLOAT32);
            Trace full;
            try {
                full = model.run(nm, RunRequest.fromInput(zero).captureAll().build());
            } catch (RuntimeException e) {
                throw new ModelException(where + ": input.shape " + Arrays.toString(input) + " is not what the model takes: "
                        + "a zero input of that shape fails (" + reason(e) + ")", e);
            }
            List<ProbePoint> points = mf.probePoints();
            for (ProbePoint p : points) {
                NDArray a = full.activations().get(p.name());
                String field = "probePoints[" + p.index() + "] \"" + p.name() + "\"";
                if (a == null) {
                    throw new ModelException(where + ": " + field + " is not among the activations the model gives");
                }
                long[] got = withoutBatch(a.getShape());
                if (!Arrays.equals(got, p.shape())) {
                    throw new ModelException(where + ": " + field + " shape " + Arrays.toString(p.shape())
                            + " but the model gives " + Arrays.toString(got) + " for input.shape " + Arrays.toString(input));
                }
            }
            long[] logits = full.logits().getShape().getShape();
            if (logits.length != 2 || logits[0] != 1) {
                throw new ModelException(where + ": the model gives logits of shape " + Arrays.toString(logits)
                        + " for one input; expected [1, " + mf.labels().size() + "] (one per label)");
            }
            if (logits[1] != mf.labels().size()) {
                throw new ModelException(where + ": labels lists " + mf.labels().size() + " classes but the model gives "
                        + logits[1] + " logits");
            }
            checkPatchGrid(mf, where);
            checkStartable(model, full, where, nm);
        }
    }

    /** Ids of the open-time check of a language model: BOS (or pad) then pad ids, at most 4 tokens. */
    static final int LM_CHECK_LENGTH = 4;

    /**
     * A language model's check: one forward of a short id sequence (batch 1, {@link #LM_CHECK_LENGTH}
     * tokens or {@code maxLength} if shorter) must give every probe point its per-row shape with
     * {@code -1} as that length, logits {@code [1, S, vocabSize]}, and runs started at startable
     * points must give the same logits.
     */
    private static void checkLanguageModel(ProbeableModel model) {
        ModelManifest mf = model.manifest();
        LanguageModelSpec lm = mf.languageModel();
        String where = mf.manifestFile().toString();
        int seq = Math.min(LM_CHECK_LENGTH, lm.maxLength());
        long[] ids = new long[seq];
        java.util.Arrays.fill(ids, lm.tokenizer().padId());
        ids[0] = lm.tokenizer().bosId().orElse(lm.tokenizer().padId());
        try (NDManager nm = NDManager.newBaseManager(model.device())) {
            NDArray x = nm.create(ids, new Shape(1, seq));
            Trace full;
            try {
                full = model.run(nm, RunRequest.fromInput(x).captureAll().build());
            } catch (RuntimeException e) {
                throw new ModelException(where + ": the model does not run on token ids [1, " + seq + "] (input.kind \"tokens\"): "
                        + reason(e), e);
            }
            for (ProbePoint p : mf.probePoints()) {
                NDArray a = full.activations().get(p.name());
                String field = "probePoints[" + p.index() + "] \"" + p.name() + "\"";
                if (a == null) {
                    throw new ModelException(where + ": " + field + " is not among the activations the model gives");
                }
                long[] got = withoutBatch(a.getShape());
                if (!Arrays.equals(got, p.shapeFor(seq))) {
                    throw new ModelException(where + ": " + field + " shape " + Arrays.toString(p.shape())
                            + " (-1 = sequence length) but the model gives " + Arrays.toString(got) + " for " + seq + " tokens");
                }
            }
            long[] logits = full.logits().getShape().getShape();
            if (!Arrays.equals(logits, new long[] {1, seq, lm.vocabSize()})) {
                throw new ModelException(where + ": input.vocabSize is " + lm.vocabSize() + " but the model gives logits of shape "
                        + Arrays.toString(logits) + " for ids [1, " + seq + "]; expected [1, " + seq + ", " + lm.vocabSize() + "]");
            }
            checkStartable(model, full, where, nm);
        }
    }

    /**
     * A patch grid is read by the explorer and concept depth to lay tokens out and to find the
     * class token, so it must be the model's token grid: some token point ({@code [T, D]} or
     * attention {@code [heads, T, T]}) must have rows × cols tokens, or one more (a class token).
     */
    private static void checkPatchGrid(ModelManifest mf, String where) {
        if (mf.patchGrid().isEmpty()) {
            return;
        }
        int[] g = mf.patchGrid().get();
        long patches = (long) g[0] * g[1];
        java.util.Map<Long, String> tokenCounts = new java.util.TreeMap<>();
        for (ProbePoint p : mf.probePoints()) {
            long[] s = p.shape();
            long tokens = s.length == 2 ? s[0] : s.length == 3 && s[1] == s[2] ? s[1] : -1;
            if (tokens < 0) {
                continue;
            }
            if (tokens == patches || tokens == patches + 1) {
                return;
            }
            tokenCounts.putIfAbsent(tokens, p.name());
        }
        if (!tokenCounts.isEmpty()) {
            List<String> seen = new ArrayList<>();
            tokenCounts.forEach((n, point) -> seen.add(n + " (" + point + ")"));
            throw new ModelException(where + ": patchGrid " + Arrays.toString(g) + " is " + patches + " patches, but the model's "
                    + "token points have " + String.join(", ", seen) + " tokens; expected " + patches + ", or "
                    + (patches + 1) + " with a class token");
        }
    }

    /** Running from a startable point with the activation the full pass gave there must give its logits. */
    private static void checkStartable(ProbeableModel model, Trace full, String where, NDManager nm) {
        float[] reference = full.logits().toType(DataType.FLOAT32, false).toFloatArray();
        double scale = 1;
        for (float v : reference) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (ProbePoint p : model.manifest().probePoints()) {
            if (!p.startable()) {
                continue;
            }
            String field = "probePoints[" + p.index() + "] \"" + p.name() + "\"";
            float[] got;
            try (Trace t = model.run(nm, RunRequest.startingAt(p.name(), full.activation(p.name())).build())) {
                got = t.logits().toType(DataType.FLOAT32, false).toFloatArray();
            } catch (RuntimeException e) {
                throw new ModelException(where + ": " + field + " is marked startable, but a run cannot start there ("
                        + reason(e) + ")", e);
            }
            double worst = got.length == reference.length ? 0 : Double.POSITIVE_INFINITY;
            for (int i = 0; i < Math.min(got.length, reference.length); i++) {
                worst = Math.max(worst, Math.abs(got[i] - reference[i]));
            }
            if (!(worst <= START_TOLERANCE * scale)) {
                throw new ModelException(where + ": " + field + " is marked startable, but running the model from it gives "
                        + "other logits than the full pass (largest difference " + worst + "); mark it \"startable\": false");
            }
        }
    }

    private static long[] withoutBatch(Shape s) {
        long[] a = s.getShape();
        return Arrays.copyOfRange(a, Math.min(1, a.length), a.length);
    }

    /**
     * The line of an engine error that says what went wrong: TorchScript puts the interpreter's
     * traceback first and the {@code RuntimeError: …} last, and the cause chain may hold it.
     */
    static String reason(Throwable e) {
        String fallback = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                continue;
            }
            String[] lines = m.split("\\R");
            if (fallback == null) {
                fallback = lines[0].strip();
            }
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (line.matches("^[A-Za-z.]*(Error|Exception): .+")) {
                    return line;
                }
            }
        }
        return fallback == null ? e.getClass().getSimpleName() : fallback;
    }
}
