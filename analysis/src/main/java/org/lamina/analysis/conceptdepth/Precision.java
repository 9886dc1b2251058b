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
 *
 * <p>{@link #INT8} (issue #19; Jin et al. compare 8-, 16- and 32-bit weights) is symmetric
 * per-output-channel int8 weight rounding ({@link #roundInt8Rows}): every parameter with two or
 * more axes (linear and convolution weights, embedding tables) is split into rows along its first
 * (output) axis, each row scaled by {@code max|w| / 127}, rounded to the nearest integer in
 * −127 … 127 and scaled back. Vectors (biases, norm gains) stay float32, and the input and the
 * activations are not rounded: weight-only 8-bit quantisation, as LLM.int8-style 8-bit loading
 * keeps activations in 16 bit.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16),
    BF16(DataType.BFLOAT16),
    INT8(DataType.INT8);

    private final DataType type;

    Precision(DataType type) {
        this.type = type;
    }

    /** Parses {@code fp32|fp16|bf16} with a clear error. */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision must be fp32, fp16, bf16 or int8, got '" + s + "'");
        }
    }

    /**
     * {@code a} (an input or activation) rounded to this precision, as a new float32 array
     * ({@code a} itself for fp32 and int8: int8 rounds the weights only).
     */
    public NDArray round(NDArray a) {
        if (this == FP32 || this == INT8) {
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
            case INT8 -> throw new UnsupportedOperationException("int8 rounds whole weight rows (roundInt8Rows), "
                    + "not single values");
        };
    }

    /** Whether this precision rounds inputs and activations too (fp16, bf16), not only weights. */
    public boolean roundsActivations() {
        return this == FP16 || this == BF16;
    }

    /**
     * Rounds the weights of {@code model} (a copy opened for the variant) to this precision:
     * every value for fp16/bf16, whole rows for int8 ({@link #roundInt8Rows}); nothing for fp32.
     */
    public void roundWeights(org.lamina.analysis.model.ProbeableModel model) {
        switch (this) {
            case FP32 -> { }
            case FP16, BF16 -> model.roundWeights(this::roundValue);
            case INT8 -> model.transformWeights(Precision::roundInt8Rows);
        }
    }

    /**
     * Symmetric per-output-channel int8 round trip of one weight tensor: for a tensor of two or
     * more axes, each row along the first axis gets {@code scale = max|w| / 127} and every
     * value becomes {@code clamp(rint(w / scale), -127, 127) · scale} (an all-zero row stays
     * zero); so each value moves by at most {@code scale / 2}. A tensor with fewer than two axes
     * (bias, norm gain) is returned unchanged.
     */
    public static float[] roundInt8Rows(long[] shape, float[] values) {
        if (shape.length < 2 || shape[0] == 0) {
            return values;
        }
        int rows = (int) shape[0];
        int width = values.length / rows;
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            int from = r * width;
            float max = 0;
            for (int k = from; k < from + width; k++) {
                max = Math.max(max, Math.abs(values[k]));
            }
            if (max == 0 || !Float.isFinite(max)) {
                System.arraycopy(values, from, out, from, width);
                continue;
            }
            double scale = max / 127.0;
            for (int k = from; k < from + width; k++) {
                double q = Math.max(-127, Math.min(127, Math.rint(values[k] / scale)));
                out[k] = (float) (q * scale);
            }
        }
        return out;
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
