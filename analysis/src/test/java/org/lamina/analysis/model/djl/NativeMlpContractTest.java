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

/** The runner contract on the built-in tanh MLP (the information-plane network). */
class NativeMlpContractTest extends ProbeableModelContract {

    private ProbeableModel model;

    @BeforeAll
    void open() {
        ModelRuntime.engine().setRandomSeed(3);
        Mlp mlp = new Mlp(new int[] {12, 10, 7, 5, 4, 3, 2}, Mlp.Kind.TANH);
        Model djl = Model.newInstance("ib-mlp", ai.djl.Device.cpu(), ModelRuntime.ENGINE);
        djl.setBlock(mlp);
        mlp.initialize(djl.getNDManager(), DataType.FLOAT32, new Shape(1, 12));
        mlp.freezeParameters(true);
        var input = new ModelManifest.InputSpec(new long[] {12}, new float[] {0f}, new float[] {1f});
        model = NativeModel.wrap(NativeModelFiles.manifest(Path.of("."), "ib-mlp", mlp, input, List.of("0", "1"), Map.of()), djl);
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
