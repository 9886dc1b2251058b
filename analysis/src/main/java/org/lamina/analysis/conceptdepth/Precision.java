package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Numeric precision of a run, for the reduced-precision experiment of the spec (reference: bf16
 * and 8-bit). A reduced-precision run uses a separately opened copy of the model whose weights
 * (every parameter) are rounded to the nearest fp16 or bf16 value ({@link #roundValue}), and it
 * also rounds the input and every layer-boundary activation (each startable probe point, then
 * the run continues from the rounded tensor), as a half-precision model would hold them. This is
 * fake quantisation: the rounded values are stored as float32 and every kernel (matrix products,
 * convolutions, accumulation inside a layer) still runs in float32 — a simulation of fp16/bf16
 * inference, not a half-precision model. Buffers that are not parameters (batch-norm running
 * statistics) stay float32.
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

    /**
     * {@code f} rounded to the nearest value of this precision (round half to even), as a float:
     * the rounding applied to each weight ({@code ProbeableModel.roundWeights(p::roundValue)}).
     */
    public double roundValue(double f) {
        float v = (float) f;
        return switch (this) {
            case FP32 -> v;
            case FP16 -> roundToFloat16(v);
            case BF16 -> roundToBfloat16(v);
        };
    }

    /**
     * The nearest IEEE half-precision value (round half to even; subnormals down to 2^-24; values
     * whose magnitude rounds past 65504 become ±infinity), as a float.
     */
    static float roundToFloat16(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) {
            return f;
        }
        int exp = Math.max(Math.getExponent(f), -14);
        double quantum = Math.scalb(1.0, exp - 10);
        double r = Math.rint(f / quantum) * quantum;
        if (Math.abs(r) > 65504) {
            return f > 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        return (float) r;
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
