package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a CUDA machine (build with -Pcuda, run with {@code mvn test -Dgroups=gpu -DexcludedGroups=}),
 * the GPU gives the CPU's logits and gradients. Excluded from the default run (tag {@code gpu}).
 */
@Tag("gpu")
class GpuRunnerTest {

    @Test
    void gpuMatchesCpu() {
        assumeTrue(ModelRuntime.engine().getGpuCount() > 0, "no GPU visible to the PyTorch engine");
        for (String fixture : new String[] {"tiny-cnn", "tiny-vit"}) {
            try (ProbeableModel cpu = ModelLoader.open(Fixtures.dir(fixture), Device.cpu());
                 ProbeableModel gpu = ModelLoader.open(Fixtures.dir(fixture), Device.gpu());
                 NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray x = Fixtures.npz(m, Fixtures.dir(fixture).resolve("reference-outputs.npz")).get("input");
                RunRequest request = RunRequest.fromInput(x).captureAll().objective(Objective.classProbability(0))
                        .inputGradient().build();
                Trace a = cpu.run(m, request);
                try (NDManager g = NDManager.newBaseManager(Device.gpu())) {
                    Trace b = gpu.run(g, request);
                    assertThat(b.logits().getDevice()).isEqualTo(Device.gpu());
                    assertThat(b.logits().toDevice(Device.cpu(), true).sub(a.logits()).abs().max().getFloat()).isLessThan(1e-4f);
                    assertThat(b.inputGradient().toDevice(Device.cpu(), true).sub(a.inputGradient()).abs().max().getFloat())
                            .isLessThan(1e-4f);
                }
            }
        }
    }

    /** After a job's arrays are closed, releasing the cache leaves less in use than while it ran. */
    @Test
    void releasingAfterAJobGivesTheCacheBack() {
        assumeTrue(ModelRuntime.engine().getGpuCount() > 0, "no GPU visible to the PyTorch engine");
        long held;
        try (NDManager g = NDManager.newBaseManager(Device.gpu())) {
            NDArray big = g.ones(new ai.djl.ndarray.types.Shape(64, 1024, 1024)); // 256 MiB
            big.mul(2).getFloat(0, 0, 0);
            held = ai.djl.util.cuda.CudaUtils.getGpuMemory(Device.gpu()).getUsed();
        }
        String line = DeviceMemory.releaseAfterJob().orElseThrow();
        long after = ai.djl.util.cuda.CudaUtils.getGpuMemory(Device.gpu()).getUsed();
        assertThat(line).startsWith("GPU 0: ").contains("released");
        assertThat(after).isLessThan(held - (200L << 20));
    }
}
