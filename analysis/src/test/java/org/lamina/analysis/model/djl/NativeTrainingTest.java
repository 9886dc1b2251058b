package org.lamina.analysis.model.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.data.InformationBottleneckData;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Built-in networks train with DJL's trainer and round-trip through .params + model.json. */
class NativeTrainingTest {

    @TempDir
    Path temp;

    @Test
    void mlpLearnsTheTwelveBitTaskAndReloadsIdentically() throws Exception {
        ModelRuntime.engine().setRandomSeed(11);
        Mlp mlp = new Mlp(new int[] {12, 10, 7, 5, 4, 3, 2}, Mlp.Kind.TANH);
        try (Model model = Model.newInstance("ib", Device.cpu(), ModelRuntime.ENGINE);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setBlock(mlp);
            NDArray x = m.create(InformationBottleneckData.inputs(), new Shape(4096, 12));
            int[] y = InformationBottleneckData.labels();
            float[] yf = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                yf[i] = y[i];
            }
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(m.create(yf))
                    .setSampling(256, true).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.03f)).build())
                    .addTrainingListeners(TrainingListener.Defaults.basic());
            TrainingResult result;
            float first;
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 12));
                EasyTrain.fit(trainer, 1, data, null);
                first = trainer.getTrainingResult().getTrainLoss();
                EasyTrain.fit(trainer, 9, data, null);
                result = trainer.getTrainingResult();
            }
            assertThat(result.getTrainLoss()).isLessThan(first * 0.8f);

            var input = new ModelManifest.InputSpec(new long[] {12}, new float[] {0f}, new float[] {1f});
            NativeModelFiles.save(temp.resolve("ib-mlp"), "ib-mlp", model, input, List.of("0", "1"),
                    "12-bit task MLP (test)", Map.of("epochs", 10));
            try (ProbeableModel reopened = ModelLoader.open(temp.resolve("ib-mlp"), Device.cpu())) {
                assertThat(reopened.probePoints()).hasSize(6);
                NDArray expected = mlp.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), false)
                        .singletonOrThrow();
                Trace t = reopened.run(m, RunRequest.fromInput(x).build());
                assertThat(t.logits().sub(expected).abs().max().getFloat()).isLessThanOrEqualTo(1e-6f);
            }
        }
    }

    @Test
    void smallCnnTrainsAStepAndReloads() throws Exception {
        ModelRuntime.engine().setRandomSeed(12);
        SmallCnn cnn = new SmallCnn(new int[] {4, 8}, 10);
        try (Model model = Model.newInstance("cnn", Device.cpu(), ModelRuntime.ENGINE);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setBlock(cnn);
            var fashion = org.lamina.analysis.data.SampleData.open("sample:fashion-train", new long[] {1, 28, 28});
            NDArray x = fashion.batch(m, 0, 256, new float[] {0.286f}, new float[] {0.353f});
            float[] labels = new float[256];
            for (int i = 0; i < 256; i++) {
                labels[i] = fashion.label(i);
            }
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(m.create(labels)).setSampling(64, false).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .addTrainingListeners(TrainingListener.Defaults.basic());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                EasyTrain.fit(trainer, 2, data, null);
                assertThat(trainer.getTrainingResult().getTrainLoss()).isFinite();
            }
            var input = new ModelManifest.InputSpec(new long[] {1, 28, 28}, new float[] {0.286f}, new float[] {0.353f});
            NativeModelFiles.save(temp.resolve("cnn"), "cnn", model, input, fashion.classNames(), "test CNN", Map.of());
            try (ProbeableModel reopened = ModelLoader.open(temp.resolve("cnn"), Device.cpu())) {
                assertThat(reopened.probePoints().stream().map(p -> p.name()).toList())
                        .containsExactly("stage1", "stage2", "pool", "fc");
                assertThat(reopened.manifest().probePoint("stage2").shape()).containsExactly(8, 7, 7);
                NDArray expected = cnn.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), false)
                        .singletonOrThrow();
                Trace t = reopened.run(m, RunRequest.fromInput(x).build());
                assertThat(t.logits().sub(expected).abs().max().getFloat()).isLessThanOrEqualTo(1e-5f);
            }
        }
    }
}
