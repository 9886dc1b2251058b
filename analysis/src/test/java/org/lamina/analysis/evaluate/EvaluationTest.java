package org.lamina.analysis.evaluate;

import ai.djl.Device;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ProbeableModel;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Evaluation bookkeeping (accuracy values of trained models are checked in sample-models). */
class EvaluationTest {

    @Test
    void confusionMatrixAccountsForEverySampleAndMatchesTheAccuracy() {
        Dataset data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        try (ProbeableModel model = ModelLoader.open(Fixtures.dir("tiny-cnn"), Device.cpu())) {
            int[] seen = new int[1];
            Evaluation e = Evaluation.run(model, data, done -> seen[0] = done);
            assertThat(seen[0]).isEqualTo(2000);
            assertThat(Arrays.stream(e.confusion()).flatMapToInt(Arrays::stream).sum()).isEqualTo(2000);
            int diagonal = 0;
            for (int c = 0; c < 10; c++) {
                diagonal += e.confusion()[c][c];
                assertThat(Arrays.stream(e.confusion()[c]).sum()).isEqualTo(200);
            }
            assertThat(e.accuracy()).isEqualTo(diagonal / 2000.0);
        }
    }

    @Test
    void batchSizeFollowsTheMemoryBudget() {
        var manifest = org.lamina.analysis.model.ManifestReader.read(Fixtures.dir("tiny-vit"));
        long perSample = BatchPlanner.bytesPerSample(manifest, false);
        assertThat(BatchPlanner.batchSize(manifest, perSample * 10, false)).isEqualTo(10);
        assertThat(BatchPlanner.batchSize(manifest, perSample * 10, true)).isEqualTo(3);
        assertThat(BatchPlanner.batchSize(manifest, 1, false)).isEqualTo(1);
        assertThat(BatchPlanner.batchSize(manifest, Long.MAX_VALUE / 2, false)).isEqualTo(BatchPlanner.MAX_BATCH);
    }

    @Test
    void cpuForwardBatchesStayWithinTheCacheBudget() {
        var cnn = org.lamina.analysis.model.ManifestReader.read(Fixtures.dir("fashion-cnn"));
        long perSample = BatchPlanner.bytesPerSample(cnn, false);
        int cpu = BatchPlanner.forwardBatchSize(cnn, ai.djl.Device.cpu());
        assertThat(cpu).isEqualTo((int) (BatchPlanner.CPU_FORWARD_BYTES / perSample));
        assertThat(cpu).isLessThan(BatchPlanner.batchSize(cnn, false));
        assertThat(BatchPlanner.forwardBatchSize(cnn, ai.djl.Device.gpu())).isEqualTo(BatchPlanner.batchSize(cnn, false));
        // A model with large activations still gets the minimum batch, not 1.
        var vit = org.lamina.analysis.model.ManifestReader.read(Fixtures.dir("fashion-vit"));
        assertThat(BatchPlanner.forwardBatchSize(vit, ai.djl.Device.cpu())).isEqualTo(BatchPlanner.MIN_CPU_BATCH);
    }
}
