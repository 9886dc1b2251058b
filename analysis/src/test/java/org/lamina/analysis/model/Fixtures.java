package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The committed exporter fixtures ({@code sample-models/tiny-*}, made by tools/lamina_export.py). */
public final class Fixtures {

    private Fixtures() {
    }

    /** Directory of a bundled fixture or sample. */
    public static Path dir(String name) {
        return ModelLocator.resolve(ModelLocator.SAMPLE_PREFIX + name);
    }

    /** The arrays of an {@code .npz} file by name. */
    public static Map<String, NDArray> npz(NDManager manager, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
