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
        if (this == BF16) {
            // DJL 0.33's toType(BFLOAT16) aborts the JVM inside libtorch, so bf16 rounds in Java.
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = roundToBfloat16(v[i]);
            }
            NDArray out = a.getManager().create(v, a.getShape());
            return out;
        }
        try (NDArray reduced = a.toType(type, true)) {
            return reduced.toType(DataType.FLOAT32, true);
        }
    }

    /** The nearest bfloat16 value (round half to even on the 16 dropped mantissa bits). */
    static float roundToBfloat16(float f) {
        if (Float.isNaN(f)) {
            return f;
        }
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >>> 16) & 1;
        bits += 0x7FFF + lsb;
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
