package org.lamina.analysis.infoplane;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.djl.Mlp;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training experiment: fitting phase, schedule, repeats, cancellation, bad input. */
class InfoPlaneRunTest {

    @Test
    void shortTanhRunShowsTheFittingPhase() {
        InfoPlaneParameters p = InfoPlaneParameters.defaults().withEpochs(300).withSplit(SplitMode.CONTIGUOUS, 0.8);
        AtomicInteger logged = new AtomicInteger();
        InfoPlaneResult r = InfoPlaneExperiment.run(p, new InfoPlaneMonitor() {
            @Override
            public void logged(int repeat, LoggedEpoch point) {
                logged.incrementAndGet();
            }
        });
        assertThat(r.layers()).containsExactly("layer1", "layer2", "layer3", "layer4", "layer5", "softmax");
        assertThat(r.epochs()).containsExactly(LoggingSchedule.SAXE.epochs(300));
        assertThat(logged.get()).isEqualTo(r.epochs().length);
        int last = r.last();
        assertThat(r.ity()[last][0]).isGreaterThanOrEqualTo(0.9);
        // fitting: the output layer gains information about Y
        assertThat(r.ity()[last][5]).isGreaterThan(r.ity()[0][5] + 0.3);
        for (double[] row : r.ixt()) {
            for (double v : row) {
                assertThat(v).isBetween(0.0, 12.0);
            }
        }
        assertThat(r.finalActivations()).hasSize(6);
        assertThat(r.finalActivations().get(0)).hasSize(4096 * 10);
        for (double s : r.snr()[0]) {
            assertThat(s).isPositive();
        }
        assertThat(r.trainAccuracy()[last]).isGreaterThan(r.trainAccuracy()[0]);
    }

    @Test
    void repeatsUseConsecutiveSeedsAndReportASpread() {
        InfoPlaneParameters p = InfoPlaneParameters.defaults().withEpochs(20).withRepeats(3, 7);
        AtomicInteger last = new AtomicInteger();
        InfoPlaneResult r = InfoPlaneExperiment.run(p, new InfoPlaneMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                assertThat(total).isEqualTo(60);
                last.accumulateAndGet((int) done, Math::max);
            }
        });
        assertThat(r.seeds()).containsExactly(7, 8, 9);
        assertThat(last.get()).isEqualTo(60);
        assertThat(r.ixtRuns()).hasNumberOfRows(3);
        // runs differ, so the spread is positive somewhere; the mean is the mean of the runs
        int e = r.last();
        double mean = (r.ixtRuns()[0][e][4] + r.ixtRuns()[1][e][4] + r.ixtRuns()[2][e][4]) / 3;
        assertThat(r.ixt()[e][4]).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.ixtStd()[e][4]).isPositive();
    }

    @Test
    void sameSeedSameNumbers() {
        InfoPlaneParameters p = InfoPlaneParameters.defaults().withEpochs(15);
        InfoPlaneResult a = InfoPlaneExperiment.run(p, InfoPlaneMonitor.NONE);
        InfoPlaneResult b = InfoPlaneExperiment.run(p, InfoPlaneMonitor.NONE);
        assertThat(a.ixt()).isDeepEqualTo(b.ixt());
        assertThat(a.ity()).isDeepEqualTo(b.ity());
    }

    @Test
    void cancellationStopsBetweenEpochs() {
        AtomicInteger epochs = new AtomicInteger();
        InfoPlaneParameters p = InfoPlaneParameters.defaults().withEpochs(10_000);
        assertThatThrownBy(() -> InfoPlaneExperiment.run(p, new InfoPlaneMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                epochs.set((int) done);
            }

            @Override
            public boolean cancelled() {
                return epochs.get() >= 5;
            }
        })).isInstanceOf(CancellationException.class).hasMessageContaining("cancelled at epoch 5");
    }

    @Test
    void divergedTrainingStopsAndSaysSo() {
        InfoPlaneParameters p = new InfoPlaneParameters(new int[] {12, 10, 2}, Mlp.Kind.LINEAR, 50, 0.8,
                SplitMode.SHUFFLED, "binsize", 30, null, 0.07, 1e-3, 1, 1, 1e200, 256, LoggingSchedule.SAXE, null);
        assertThatThrownBy(() -> InfoPlaneExperiment.run(p, InfoPlaneMonitor.NONE))
                .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("diverged");
    }

    @Test
    void badParametersGetClearMessages() {
        InfoPlaneParameters d = InfoPlaneParameters.defaults();
        assertThatThrownBy(() -> new InfoPlaneParameters(new int[] {10, 5, 2}, Mlp.Kind.TANH, 10, 0.8, null, "binning",
                30, null, 0.07, 1e-3, 1, 1, 4e-4, 256, null, null)).hasMessageContaining("must start at 12");
        assertThatThrownBy(() -> new InfoPlaneParameters(new int[] {12, 5, 3}, Mlp.Kind.TANH, 10, 0.8, null, "binning",
                30, null, 0.07, 1e-3, 1, 1, 4e-4, 256, null, null)).hasMessageContaining("must end at 2");
        assertThatThrownBy(() -> d.withEpochs(0)).hasMessageContaining("epochs must be 1");
        assertThatThrownBy(() -> new InfoPlaneParameters(d.widths(), Mlp.Kind.TANH, 10, 0.8, null, "binning",
                1, null, 0.07, 1e-3, 1, 1, 4e-4, 256, null, null)).hasMessageContaining("bins must be at least 2");
        assertThatThrownBy(() -> new InfoPlaneParameters(d.widths(), Mlp.Kind.TANH, 10, 0.8, null, "kde",
                30, null, 0.07, 0, 1, 1, 4e-4, 256, null, null)).hasMessageContaining("noise variance must be positive");
        assertThatThrownBy(() -> d.withEstimator("mine")).hasMessageContaining("binning, binsize, kde or ksg");
        assertThatThrownBy(() -> d.withSplit(SplitMode.SHUFFLED, 0)).hasMessageContaining("train fraction");
        InfoPlaneParameters images = InfoPlaneParameters.imageDefaults("sample:fashion");
        assertThatThrownBy(() -> d.withData(images.data())).hasMessageContaining("must start at 784");
        assertThatThrownBy(() -> new InfoPlaneData.DataChoice("sample:cifar", 10, 10, "test"))
                .hasMessageContaining("sample:fashion or sample:mnist");
        assertThatThrownBy(() -> new InfoPlaneData.DataChoice("ib", 0, 0, "test"))
                .hasMessageContaining("always estimated on all 4,096");
        assertThatThrownBy(() -> new InfoPlaneData.DataChoice("sample:fashion", 100, 0, "test"))
                .hasMessageContaining("needs test images");
        assertThatThrownBy(() -> InfoPlaneExperiment.run(images.withData(
                new InfoPlaneData.DataChoice("sample:fashion", 100, 5000, "test")), InfoPlaneMonitor.NONE))
                .hasMessageContaining("sample:fashion-test has 2000 images; asked for 5000");
    }

    @Test
    void parametersSurviveTheSessionMap() {
        InfoPlaneParameters ib = InfoPlaneParameters.defaults().withEstimator("kde").withRepeats(3, 9)
                .withActivation(Mlp.Kind.RELU);
        assertThat(InfoPlaneParameters.fromMap(ib.toMap())).isEqualTo(ib);
        InfoPlaneParameters images = InfoPlaneParameters.imageDefaults("sample:mnist")
                .withData(new InfoPlaneData.DataChoice("sample:mnist", 300, 200, "all"));
        // through JSON, as a session file stores it (numbers come back as Integer/Double)
        java.util.Map<String, Object> json = InfoPlaneFiles.mapper().convertValue(images.toMap(),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { });
        assertThat(InfoPlaneParameters.fromMap(json)).isEqualTo(images);
        assertThatThrownBy(() -> InfoPlaneParameters.fromMap(java.util.Map.of("epochs", "many")))
                .hasMessageContaining("'epochs' must be a number");
    }

    /**
     * Saxe et al.'s image variant, small: ReLU 784-1024-20-20-20-10 on 200 Fashion training
     * images, KDE on 150 test images. The net must learn (test accuracy well above chance), I(T;Y)
     * stays within H(Y) of the MI rows, and I(X;T) within log2 of their count.
     */
    @Test
    void imageVariantTrainsAndMeasuresOnTheChosenRows() {
        InfoPlaneParameters d = InfoPlaneParameters.imageDefaults("sample:fashion");
        // batches of 40 so that 10 epochs of 200 images are 50 Adam steps
        InfoPlaneParameters p = new InfoPlaneParameters(d.widths(), d.activation(), 10, 1.0, d.split(), "kde", 30, null, 0.07,
                0.1, 1, 42, 1e-3, 40, d.schedule(), new InfoPlaneData.DataChoice("sample:fashion", 200, 150, "test"));
        InfoPlaneResult r = InfoPlaneExperiment.run(p, InfoPlaneMonitor.NONE);
        assertThat(r.layers()).containsExactly("layer1", "layer2", "layer3", "layer4", "softmax");
        int last = r.last();
        // chance is 0.1; 50 steps reach about 0.55 (0.485 after 30 steps on 300 images)
        assertThat(r.testAccuracy()[last]).isGreaterThan(0.4);
        assertThat(r.testAccuracy()[last]).isGreaterThan(r.testAccuracy()[0] + 0.25);
        assertThat(r.entropyY()).isBetween(3.0, Math.log(10) / Math.log(2) + 1e-9);
        for (double[] epoch : r.ixt()) {
            for (double v : epoch) {
                assertThat(v).isBetween(0.0, Math.log(150) / Math.log(2) + 1e-9);
            }
        }
        for (double[] epoch : r.ity()) {
            for (double v : epoch) {
                assertThat(v).isBetween(0.0, r.entropyY() + 1e-9);
            }
        }
        assertThat(r.finalActivations().get(0)).hasSize(150 * 1024);
        assertThat(r.provenance().get("miRows")).isEqualTo(150);
        assertThat(String.valueOf(r.provenance().get("trainer"))).contains("libtorch");
    }

    @Test
    void scheduleFollowsSaxe() {
        int[] e = LoggingSchedule.SAXE.epochs(3000);
        assertThat(e).startsWith(0, 1, 2, 3).contains(19, 20, 25, 95, 100, 120, 1980, 2000, 2100, 3000)
                .doesNotContain(21, 96, 110, 2020);
        assertThat(LoggingSchedule.SAXE.epochs(7)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(LoggingSchedule.LOG.epochs(10_000)).startsWith(0, 1).endsWith(10_000);
        assertThat(SplitMode.trainCount(4096, 0.8)).isEqualTo(3277);
    }
}
