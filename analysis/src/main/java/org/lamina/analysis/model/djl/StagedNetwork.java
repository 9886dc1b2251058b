package org.lamina.analysis.model.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network that is a chain of named stages with a probe point after each stage; the output of
 * the last stage is the logits. Its ordinary {@code forward} (used by DJL's trainer) chains the
 * stages; {@link #forwardProbed} additionally starts at any stage and applies Lamina's
 * interventions ({@code P} replaces, {@code *P} scales, {@code +P} adds) between stages.
 */
public class StagedNetwork extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<String> stageNames = new ArrayList<>();
    private final List<Block> stages = new ArrayList<>();

    protected StagedNetwork() {
        super(VERSION);
    }

    /** Appends a stage; its output is probe point {@code name}. */
    protected final void addStage(String name, Block stage) {
        stageNames.add(name);
        stages.add(addChildBlock(name, stage));
    }

    /** Probe point names, in forward order (the last one is the logits). */
    public List<String> probePointNames() {
        return Collections.unmodifiableList(stageNames);
    }

    /** The stage blocks, in forward order. */
    public List<Block> stages() {
        return Collections.unmodifiableList(stages);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList h = inputs;
        for (Block stage : stages) {
            h = stage.forward(ps, h, training, params);
        }
        return h;
    }

    /**
     * Runs the stages after {@code startIndex} (-1: from the raw input) and returns the
     * activation of every point from the start on, plus {@code "logits"}.
     */
    public Map<String, NDArray> forwardProbed(ParameterStore ps, int startIndex, NDArray x,
                                             Map<String, NDArray> interventions, boolean training) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray h = x;
        if (startIndex >= 0) {
            h = intervene(stageNames.get(startIndex), h, interventions);
            out.put(stageNames.get(startIndex), h);
        }
        for (int i = startIndex + 1; i < stages.size(); i++) {
            h = stages.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
            h = intervene(stageNames.get(i), h, interventions);
            out.put(stageNames.get(i), h);
        }
        out.put("logits", h);
        return out;
    }

    private static NDArray intervene(String point, NDArray h, Map<String, NDArray> interventions) {
        NDArray replaced = interventions.get(point);
        if (replaced != null) {
            h = replaced;
        }
        NDArray factor = interventions.get("*" + point);
        if (factor != null) {
            h = h.mul(factor);
        }
        NDArray added = interventions.get("+" + point);
        if (added != null) {
            h = h.add(added);
        }
        return h;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Block stage : stages) {
            s = stage.getOutputShapes(s);
        }
        return s;
    }

    /** Per-sample output shape of every stage for a per-sample input shape. */
    public List<Shape> stageShapes(Shape sampleInput) {
        List<Shape> shapes = new ArrayList<>();
        Shape[] s = {new Shape(1).addAll(sampleInput)};
        for (Block stage : stages) {
            s = stage.getOutputShapes(s);
            shapes.add(s[0].slice(1));
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (Block stage : stages) {
            stage.initialize(manager, dataType, s);
            s = stage.getOutputShapes(s);
        }
    }
}
