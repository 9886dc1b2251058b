package org.lamina.analysis.conceptdepth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The fixture made by tools/fixtures/conceptdepth_fixture.py with Debian's torch 1.13 and
 * sklearn 1.2: features of the first 400 fashion-test images and sklearn's probe metrics.
 */
final class SklearnFixture {

    record Matrix(float[] values, int rows, int cols) {
    }

    final Map<String, Matrix> floats = new HashMap<>();
    final Map<String, int[]> ints = new HashMap<>();
    final JsonNode expected;

    private SklearnFixture() throws IOException {
        try (InputStream json = SklearnFixture.class.getResourceAsStream("/conceptdepth/probe-fixture.json");
             InputStream npz = SklearnFixture.class.getResourceAsStream("/conceptdepth/probe-fixture.npz");
             NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            expected = new ObjectMapper().readTree(json);
            NDList list = NDList.decode(m, npz);
            for (NDArray a : list) {
                String name = a.getName();
                if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
                    long[] s = a.getShape().getShape();
                    floats.put(name, new Matrix(a.toFloatArray(), (int) s[0], s.length > 1 ? (int) s[1] : 1));
                } else {
                    ints.put(name, a.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray());
                }
            }
        }
    }

    private static SklearnFixture instance;

    static synchronized SklearnFixture load() throws IOException {
        if (instance == null) {
            instance = new SklearnFixture();
        }
        return instance;
    }
}
