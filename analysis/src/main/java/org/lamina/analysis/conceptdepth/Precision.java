package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Numeric precision of a run, for the reduced-precision experiment of the spec (reference: bf16
 * and 8-bit). The runner keeps float32 weights, so a reduced-precision run rounds the input and
 * every layer-boundary activation (each startable probe point, then the run continues from the
 * rounded tensor) to fp16 or bf16: activations in reduced precision, weights and accumulation
 * in float32 — a simulation, not a half-precision model.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16),
    BF16(DataType.BFLOAT16);

    private final DataType type;

    Precision(DataType type) {
        this.type = type;
    }

    /** Parses {@code fp32|fp16|bf16} with a clear error. */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision must be fp32, fp16 or bf16, got '" + s + "'");
        }
    }

    /** {@code a} rounded to this precision, as a new float32 array (a itself for fp32). */
    public NDArray round(NDArray a) {
        if (this == FP32) {
            return a;
        }
        try (NDArray reduced = a.toType(type, true)) {
            return reduced.toType(DataType.FLOAT32, true);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
