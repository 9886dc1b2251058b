package org.lamina.analysis.model.torchscript;

import ai.djl.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.ProbeableModelContract;

/** The runner contract on the TorchScript CNN fixture. */
class TinyCnnContractTest extends ProbeableModelContract {

    private ProbeableModel model;

    @BeforeAll
    void open() {
        model = ModelLoader.open(Fixtures.dir("tiny-cnn"), Device.cpu());
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
