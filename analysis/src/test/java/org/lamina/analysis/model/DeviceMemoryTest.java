package org.lamina.analysis.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without a GPU the job area must not claim to have released device memory (issue #17 §2): the
 * release reports nothing, even with the engine started and a job's tensors just freed. (With a
 * GPU: {@link GpuRunnerTest#releasingAfterAJobGivesTheCacheBack}.)
 */
class DeviceMemoryTest {

    @Test
    void onTheCpuThereIsNothingToReport() throws Exception {
        assumeTrue(ModelRuntime.engine().getGpuCount() == 0, "the engine sees a GPU here");
        try (ProbeableModel model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.AUTO);
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(model.device())) {
            assertThat(model.device().isGpu()).isFalse();
            long[] shape = model.manifest().input().shape();
            long[] batch = new long[shape.length + 1];
            batch[0] = 2;
            System.arraycopy(shape, 0, batch, 1, shape.length);
            try (Trace t = model.run(m, RunRequest.fromInput(m.ones(new ai.djl.ndarray.types.Shape(batch))).build())) {
                assertThat(t.logits().getShape().get(0)).isEqualTo(2);
            }
        }
        assertThat(ModelRuntime.engineStarted()).isTrue();
        assertThat(DeviceMemory.releaseAfterJob()).isEmpty();
    }
}
