package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One batched forward pass, described as data (DESIGN.md §2).
 *
 * <ul>
 *   <li>Where it starts: a raw input batch ({@link #fromInput}) or a cut point with a given
 *       activation ({@link #startingAt}: only the part of the model after that point runs).</li>
 *   <li>What it reads: {@code capture} names probe points whose activations come back
 *       ({@link Builder#captureAll()} for every point).</li>
 *   <li>What it writes: {@code replace} swaps a point's activation for a given tensor
 *       (activation patching); {@code scale} multiplies it element-wise; {@code perturb} adds
 *       a tensor to it (steering). They apply in that order (replace, scale, add), so a 0/1
 *       scale mask plus an addend overwrites part of a point (one token, one neuron) while the
 *       rest is computed normally. The forward continues from the new value.</li>
 *   <li>What it differentiates: with an {@link Objective}, the gradient of its batch sum with
 *       respect to the run's input ({@link Builder#inputGradient()}) and/or probe points
 *       ({@link Builder#gradientAt}), whether captured, replaced or the start point.</li>
 * </ul>
 * Tensors given here are not modified: the runner copies what it needs into its own scope.
 */
public final class RunRequest {

    private final NDArray input;
    private final String startAt;
    private final Set<String> capture;
    private final boolean captureAll;
    private final Map<String, NDArray> replacements;
    private final Map<String, NDArray> perturbations;
    private final Map<String, NDArray> scales;
    private final Objective objective;
    private final Set<String> gradientPoints;
    private final boolean inputGradient;
    private final TokenReadout readout;

    private RunRequest(Builder b) {
        readout = b.readout;
        input = b.input;
        startAt = b.startAt;
        capture = Collections.unmodifiableSet(new LinkedHashSet<>(b.capture));
        captureAll = b.captureAll;
        replacements = Collections.unmodifiableMap(new LinkedHashMap<>(b.replacements));
        perturbations = Collections.unmodifiableMap(new LinkedHashMap<>(b.perturbations));
        scales = Collections.unmodifiableMap(new LinkedHashMap<>(b.scales));
        objective = b.objective;
        gradientPoints = Collections.unmodifiableSet(new LinkedHashSet<>(b.gradientPoints));
        inputGradient = b.inputGradient;
        if ((inputGradient || !gradientPoints.isEmpty()) && objective == null) {
            throw new IllegalArgumentException("a gradient was asked for but no objective was given");
        }
    }

    /**
     * A run of the whole model on a raw, already normalised batch {@code [batch, *inputShape]}; for
     * a language model, token ids {@code [batch, seq]} (int64, right-padded with the manifest's
     * pad id, {@code seq} at most its {@code maxLength}).
     */
    public static Builder fromInput(NDArray input) {
        return new Builder(Objects.requireNonNull(input, "input"), null);
    }

    /** A run that starts after probe point {@code point}, whose activation is {@code activation}. */
    public static Builder startingAt(String point, NDArray activation) {
        return new Builder(Objects.requireNonNull(activation, "activation"), Objects.requireNonNull(point, "point"));
    }

    /** The batch the run starts with (raw input or start-point activation). */
    public NDArray input() {
        return input;
    }

    /** The start point, or {@code null} for a run from the raw input. */
    public String startAt() {
        return startAt;
    }

    public Set<String> capture() {
        return capture;
    }

    public boolean captureAll() {
        return captureAll;
    }

    public Map<String, NDArray> replacements() {
        return replacements;
    }

    public Map<String, NDArray> perturbations() {
        return perturbations;
    }

    /** Element-wise factors per point (applied after a replacement, before a perturbation). */
    public Map<String, NDArray> scales() {
        return scales;
    }

    public Objective objective() {
        return objective;
    }

    public Set<String> gradientPoints() {
        return gradientPoints;
    }

    /** Whether the gradient w.r.t. the run's input (raw input or start activation) is wanted. */
    public boolean inputGradient() {
        return inputGradient;
    }

    /**
     * The token read-out of a language model's run, or {@code null}: with one, the trace's logits
     * ({@code [B, V]}, also what the objective sees) and captured per-token points come back read
     * per row ({@link TokenReadout}); gradients keep their full {@code [B, S, ...]} shape.
     */
    public TokenReadout readout() {
        return readout;
    }

    /** Whether any gradient is computed. */
    public boolean needsGradient() {
        return inputGradient || !gradientPoints.isEmpty();
    }

    /** Batch size. */
    public long batchSize() {
        return input.getShape().get(0);
    }

    /** Builder; see the class comment for what each part means. */
    public static final class Builder {
        private final NDArray input;
        private final String startAt;
        private final Set<String> capture = new LinkedHashSet<>();
        private boolean captureAll;
        private final Map<String, NDArray> replacements = new LinkedHashMap<>();
        private final Map<String, NDArray> perturbations = new LinkedHashMap<>();
        private final Map<String, NDArray> scales = new LinkedHashMap<>();
        private Objective objective;
        private final Set<String> gradientPoints = new LinkedHashSet<>();
        private boolean inputGradient;
        private TokenReadout readout;

        private Builder(NDArray input, String startAt) {
            this.input = input;
            this.startAt = startAt;
        }

        public Builder capture(String... points) {
            capture.addAll(java.util.List.of(points));
            return this;
        }

        public Builder capture(java.util.Collection<String> points) {
            capture.addAll(points);
            return this;
        }

        public Builder captureAll() {
            captureAll = true;
            return this;
        }

        public Builder replace(String point, NDArray value) {
            replacements.put(Objects.requireNonNull(point), Objects.requireNonNull(value));
            return this;
        }

        public Builder perturb(String point, NDArray delta) {
            perturbations.put(Objects.requireNonNull(point), Objects.requireNonNull(delta));
            return this;
        }

        /**
         * Multiplies the point's activation element-wise by {@code factor} (same shape as the
         * batched point). Needs a model whose convention knows the {@code *P} key: TorchScript
         * files exported by tools/lamina_export.py from this version on, and the built-in models.
         */
        public Builder scale(String point, NDArray factor) {
            scales.put(Objects.requireNonNull(point), Objects.requireNonNull(factor));
            return this;
        }

        public Builder objective(Objective o) {
            objective = o;
            return this;
        }

        public Builder gradientAt(String... points) {
            gradientPoints.addAll(java.util.List.of(points));
            return this;
        }

        public Builder inputGradient() {
            inputGradient = true;
            return this;
        }

        /**
         * Reads the logits and captured per-token points of a language model at each row's last
         * real token or as the mean over its real tokens ({@link TokenReadout}).
         */
        public Builder readout(TokenReadout r) {
            readout = Objects.requireNonNull(r, "readout");
            return this;
        }

        public RunRequest build() {
            return new RunRequest(this);
        }
    }
}
