package org.lamina.analysis.model.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * A small convolutional classifier: stages {@code stage1 … stageK} of (3×3 conv, ReLU, 2×2 max
 * pool), a {@code pool} point (global average pool of the last stage, the "pooled feature"),
 * and the {@code fc} linear head whose output is the logits.
 */
public final class SmallCnn extends StagedNetwork {

    private final int[] channels;
    private final int classes;

    /**
     * @param channels output channels of each conv stage
     * @param classes  number of classes
     */
    public SmallCnn(int[] channels, int classes) {
        if (channels.length == 0 || classes < 1) {
            throw new IllegalArgumentException("a CNN needs at least one conv stage and one class");
        }
        this.channels = channels.clone();
        this.classes = classes;
        for (int i = 0; i < channels.length; i++) {
            addStage("stage" + (i + 1), new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                            .setFilters(channels[i]).build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))));
        }
        addStage("pool", new LambdaBlock(list -> new NDList(Pool.globalAvgPool2d(list.singletonOrThrow())), "gap"));
        addStage("fc", Linear.builder().setUnits(classes).build());
    }

    public int[] channels() {
        return channels.clone();
    }

    public int classes() {
        return classes;
    }
}
