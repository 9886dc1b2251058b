package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lamina.analysis.job.AtomicOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a CRAFT result: {@code craft.json} (everything but the matrices) and
 * {@code craft-data.npz} with {@code A} (crop activations n×C), {@code U} (n×r), {@code W} (r×C),
 * {@code ST} (local Sobol indices, images×r), {@code importance} (r), {@code imageIndices},
 * {@code coefficientMaps} and {@code gradientMaps} (images×positions×r) and, for PCA, {@code offset}
 * (C: the mean added to U·W). Both atomically.
 */
public final class CraftFiles {

    public static final String JSON = "craft.json";
    public static final String NPZ = "craft-data.npz";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CraftFiles() {
    }

    /** Writes both files into {@code dir}. */
    public static void writeAll(CraftResult r, Path dir) {
        writeJson(r, dir.resolve(JSON));
        writeNpz(r, dir.resolve(NPZ));
    }

    public static Path writeJson(CraftResult r, Path file) {
        return AtomicOutput.write(file, tmp -> MAPPER.writeValue(tmp.toFile(), r));
    }

    /** The JSON text of a result. */
    public static String json(CraftResult r) {
        try {
            return MAPPER.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write CRAFT result as JSON", e);
        }
    }

    public static Path writeNpz(CraftResult r, Path file) {
        return AtomicOutput.write(file, tmp -> {
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                 OutputStream out = Files.newOutputStream(tmp)) {
                NDList list = new NDList();
                list.add(named(r.a().toNDArray(m), "A"));
                list.add(named(r.u().toNDArray(m), "U"));
                list.add(named(r.w().toNDArray(m), "W"));
                list.add(named(m.create(flatten(r.localImportance()), new Shape(r.localImportance().length, r.rank())), "ST"));
                list.add(named(m.create(r.importance()), "importance"));
                list.add(named(m.create(r.imageIndices()), "imageIndices"));
                int positions = r.mapRows() * r.mapCols();
                list.add(named(m.create(flatten(r.coefficientMaps()), new Shape(r.coefficientMaps().length, positions, r.rank())),
                        "coefficientMaps"));
                list.add(named(m.create(flatten(r.gradientMaps()), new Shape(r.gradientMaps().length, positions, r.rank())),
                        "gradientMaps"));
                if (r.offset() != null) {
                    list.add(named(m.create(r.offset()), "offset"));
                }
                list.encode(out, NDList.Encoding.NPZ);
            }
        });
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    private static double[] flatten(double[][] x) {
        return java.util.Arrays.stream(x).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static float[] flatten(float[][] x) {
        int n = 0;
        for (float[] row : x) {
            n += row.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] row : x) {
            System.arraycopy(row, 0, out, o, row.length);
            o += row.length;
        }
        return out;
    }
}
