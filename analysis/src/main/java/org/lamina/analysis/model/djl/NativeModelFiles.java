package org.lamina.analysis.model.djl;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lamina.analysis.model.ManifestReader;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Describes and saves built-in networks: the manifest of a network held in memory, and a model
 * directory ({@code model.json} + DJL {@code .params}) that {@link NativeModel#open} reads back.
 */
public final class NativeModelFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private NativeModelFiles() {
    }

    /** The manifest of an in-memory network (every stage is a startable probe point). */
    public static ModelManifest manifest(Path directory, String name, StagedNetwork network,
                                         ModelManifest.InputSpec input, List<String> labels,
                                         Map<String, Object> training) {
        List<String> names = network.probePointNames();
        List<Shape> shapes = network.stageShapes(new Shape(input.shape()));
        List<ProbePoint> points = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            points.add(new ProbePoint(names.get(i), i, shapes.get(i).getShape(), true));
        }
        return new ModelManifest(directory, name, "", ModelManifest.FORMAT_DJL, name + "-0000.params",
                architecture(network), input, List.copyOf(labels), List.copyOf(points), Optional.empty(),
                networkNode(network), new LinkedHashMap<>(training));
    }

    /** Saves the model's parameters and a manifest into {@code directory}; returns the manifest read back. */
    public static ModelManifest save(Path directory, String name, Model model, ModelManifest.InputSpec input,
                                     List<String> labels, String description, Map<String, Object> training) {
        if (!(model.getBlock() instanceof StagedNetwork network)) {
            throw new IllegalArgumentException("only Lamina's built-in networks can be saved this way");
        }
        try {
            Files.createDirectories(directory);
            model.save(directory, name);
            // DJL names the file after the model's "Epoch" property (name-0031.params after training).
            String epoch = model.getProperty("Epoch");
            String paramsFile = String.format("%s-%04d.params", name, epoch == null ? 0 : Integer.parseInt(epoch));
            if (!Files.isRegularFile(directory.resolve(paramsFile))) {
                throw new ModelException("DJL did not write the expected " + paramsFile + " in " + directory);
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("name", name);
            root.put("description", description);
            root.put("format", ModelManifest.FORMAT_DJL);
            root.put("file", paramsFile);
            root.put("architecture", architecture(network));
            root.set("network", networkNode(network));
            ObjectNode in = root.putObject("input");
            long[] shape = input.shape();
            var s = in.putArray("shape");
            for (long d : shape) {
                s.add(d);
            }
            var mean = in.putArray("mean");
            for (float v : input.mean()) {
                mean.add(v);
            }
            var std = in.putArray("std");
            for (float v : input.std()) {
                std.add(v);
            }
            var l = root.putArray("labels");
            labels.forEach(l::add);
            var points = root.putArray("probePoints");
            List<Shape> shapes = network.stageShapes(new Shape(shape));
            for (int i = 0; i < network.probePointNames().size(); i++) {
                ObjectNode p = points.addObject();
                p.put("name", network.probePointNames().get(i));
                var ps = p.putArray("shape");
                for (long d : shapes.get(i).getShape()) {
                    ps.add(d);
                }
                p.put("startable", true);
            }
            root.set("training", JSON.valueToTree(training));
            Path tmp = directory.resolve(ManifestReader.FILE_NAME + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, directory.resolve(ManifestReader.FILE_NAME),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelException("cannot save model to " + directory + ": " + e.getMessage(), e);
        }
        return ManifestReader.read(directory);
    }

    private static String architecture(StagedNetwork network) {
        if (network instanceof Mlp) {
            return "mlp";
        }
        if (network instanceof SmallCnn) {
            return "cnn";
        }
        throw new IllegalArgumentException("unknown built-in network " + network.getClass().getSimpleName());
    }

    private static JsonNode networkNode(StagedNetwork network) {
        ObjectNode n = JSON.createObjectNode();
        if (network instanceof Mlp mlp) {
            var w = n.putArray("widths");
            for (int v : mlp.widths()) {
                w.add(v);
            }
            n.put("activation", mlp.activation().name().toLowerCase(java.util.Locale.ROOT));
        } else if (network instanceof SmallCnn cnn) {
            var c = n.putArray("channels");
            for (int v : cnn.channels()) {
                c.add(v);
            }
        }
        return n;
    }
}
