package org.lamina.analysis.model.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A fully connected network {@code widths[0] → … → widths[n]} with one activation after every
 * hidden layer; probe points {@code layer1 … layerN} after every layer (the last is the logits).
 * The information-plane network of Shwartz-Ziv &amp; Tishby (2017) is {@code 12-10-7-5-4-3-2}
 * with tanh.
 */
public final class Mlp extends StagedNetwork {

    private final int[] widths;
    private final Kind activation;
    private final List<Linear> linears = new ArrayList<>();

    /** Hidden-layer activation functions. */
    public enum Kind {
        TANH(Activation::tanh),
        RELU(Activation::relu),
        SIGMOID(Activation::sigmoid),
        LINEAR(x -> x);

        private final Function<NDArray, NDArray> function;

        Kind(Function<NDArray, NDArray> function) {
            this.function = function;
        }

        /** Parses {@code tanh|relu|sigmoid|linear}. */
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("activation must be tanh, relu, sigmoid or linear, got '" + s + "'");
            }
        }
    }

    /**
     * @param widths     input width followed by each layer's width (at least two numbers)
     * @param activation hidden-layer activation
     */
    public Mlp(int[] widths, Kind activation) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input width and at least one layer width");
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("MLP widths must be positive, got " + java.util.Arrays.toString(widths));
            }
        }
        this.widths = widths.clone();
        this.activation = activation;
        for (int i = 1; i < widths.length; i++) {
            Linear linear = Linear.builder().setUnits(widths[i]).build();
            linears.add(linear);
            if (i < widths.length - 1) {
                SequentialBlock stage = new SequentialBlock().add(linear)
                        .add(new LambdaBlock(list -> new ai.djl.ndarray.NDList(activation.function.apply(list.singletonOrThrow())),
                                activation.name().toLowerCase(Locale.ROOT)));
                addStage("layer" + i, stage);
            } else {
                addStage("layer" + i, linear);
            }
        }
    }

    public int[] widths() {
        return widths.clone();
    }

    public Kind activation() {
        return activation;
    }

    /** The linear map of layer {@code i} (1-based), for loading weights from other formats. */
    public Linear linear(int i) {
        return linears.get(i - 1);
    }

    /** Number of layers (linear maps). */
    public int layerCount() {
        return linears.size();
    }
}
