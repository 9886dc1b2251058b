package org.lamina.analysis.model.djl;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.ProbeableModelContract;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The runner contract on the built-in small CNN. */
class NativeCnnContractTest extends ProbeableModelContract {

    private ProbeableModel model;

    @BeforeAll
    void open() {
        ModelRuntime.engine().setRandomSeed(5);
        SmallCnn cnn = new SmallCnn(new int[] {4, 8}, 10);
        Model djl = Model.newInstance("cnn", ai.djl.Device.cpu(), ModelRuntime.ENGINE);
        djl.setBlock(cnn);
        cnn.initialize(djl.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 12, 12));
        cnn.freezeParameters(true);
        var input = new ModelManifest.InputSpec(new long[] {1, 12, 12}, new float[] {0f}, new float[] {1f});
        List<String> labels = java.util.stream.IntStream.range(0, 10).mapToObj(String::valueOf).toList();
        model = NativeModel.wrap(NativeModelFiles.manifest(Path.of("."), "cnn", cnn, input, labels, Map.of()), djl);
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Override
    protected ProbeableModel model() {
        return model;
    }
}
