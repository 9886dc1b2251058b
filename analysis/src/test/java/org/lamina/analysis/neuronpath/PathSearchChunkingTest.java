package org.lamina.analysis.neuronpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.JobCancelledException;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.MemoryBudget;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Scaled runs cut by a row budget (issue #21: ViT-B/16 held all m steps of an image at once): the
 * same paths and scores as one run holding every row, progress per run, cancellation between runs.
 */
class PathSearchChunkingTest {

    private static ProbeableModel vit;
    private static Dataset data;

    @BeforeAll
    static void open() {
        vit = ModelLoader.open("sample:fashion-vit", ModelRuntime.DeviceChoice.CPU);
        data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
    }

    @AfterAll
    static void close() {
        vit.close();
    }

    private record Outcome(int[][][] jas, float[][][] jasPerBlock, double[] scores, double[][] terms, int[][][] ig,
                           int[][][] influence, int runs) {
    }

    private static Outcome search(int rowBudget, int steps) {
        FfnNeurons ffn = FfnNeurons.of(vit.manifest(), TokenMode.CLS);
        List<String> messages = new ArrayList<>();
        int[] advances = {0};
        ProgressSink sink = new ProgressSink() {
            @Override
            public void begin(long total) {
            }

            @Override
            public void advance(long units) {
                advances[0]++;
            }

            @Override
            public void message(String text) {
                messages.add(text);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        PathSearch s = new PathSearch(vit, ffn, steps, rowBudget).reportTo(sink, "test");
        try (NDManager mgr = NDManager.newBaseManager(vit.device())) {
            var in = vit.manifest().input();
            NDArray x = data.batch(mgr, 0, 2, in.mean(), in.std());
            int[] targets = {data.label(0), data.label(1)};
            CleanPass clean = s.clean(mgr, x, targets);
            float[][][] jasOut = new float[2][ffn.blocks()][];
            int[][][] jas = s.searchJas(mgr, x, clean, 1, jasOut);
            double[][] terms = new double[2][ffn.blocks()];
            double[] scores = s.score(mgr, x, clean, jas, terms);
            int[][][] ig = s.igPaths(mgr, x, clean, 2);
            int[][][] infl = s.influencePaths(mgr, x, clean, 2);
            assertThat(messages).anyMatch(m -> m.startsWith("test · JAS block 3 of 6, step"));
            return new Outcome(jas, jasOut, scores, terms, ig, infl, advances[0]);
        }
    }

    @Test
    void runsOfThreeRowsGiveTheResultsOfOneRunHoldingEveryRow() {
        int m = 20;
        Outcome whole = search(2 * m, m);   // both images' m steps in one run (the former layout)
        Outcome cut = search(3, m);          // 3 rows a run: steps of one image span 7 runs, one run straddles the images
        assertThat(cut.runs()).isGreaterThan(10 * whole.runs());
        assertThat(cut.jas()).isDeepEqualTo(whole.jas());
        assertThat(cut.ig()).isDeepEqualTo(whole.ig());
        assertThat(cut.influence()).isDeepEqualTo(whole.influence());
        for (int i = 0; i < 2; i++) {
            assertThat(cut.scores()[i]).isCloseTo(whole.scores()[i], within(1e-5 * Math.abs(whole.scores()[i])));
            for (int b = 0; b < 6; b++) {
                assertThat(cut.terms()[i][b]).isCloseTo(whole.terms()[i][b], within(1e-5 * Math.abs(whole.scores()[i])));
                assertThat(cut.jasPerBlock()[i][b][0]).isCloseTo(whole.jasPerBlock()[i][b][0],
                        within(1e-5f * Math.abs(whole.jasPerBlock()[i][b][0]) + 1e-9f));
            }
        }
    }

    @Test
    void aCancelledSearchStopsBeforeTheNextRun() {
        FfnNeurons ffn = FfnNeurons.of(vit.manifest(), TokenMode.CLS);
        int[] runsAfterCancel = {0};
        boolean[] cancelled = {false};
        int[] checks = {0};
        ProgressSink sink = new ProgressSink() {
            int runs;

            @Override
            public void begin(long total) {
            }

            @Override
            public void advance(long units) {
                if (cancelled[0]) {
                    runsAfterCancel[0]++;
                }
                if (++runs == 5) {
                    cancelled[0] = true;   // the user presses Cancel during the 5th run
                }
            }

            @Override
            public void message(String text) {
            }

            @Override
            public boolean isCancelled() {
                checks[0]++;
                return cancelled[0];
            }
        };
        PathSearch s = new PathSearch(vit, ffn, 20, 4).reportTo(sink, "");
        try (NDManager mgr = NDManager.newBaseManager(vit.device())) {
            var in = vit.manifest().input();
            NDArray x = data.batch(mgr, 0, 1, in.mean(), in.std());
            CleanPass clean = s.clean(mgr, x, new int[] {data.label(0)});
            assertThatThrownBy(() -> s.searchJas(mgr, x, clean, 1, null)).isInstanceOf(JobCancelledException.class);
        }
        assertThat(runsAfterCancel[0]).isZero();
        assertThat(checks[0]).isEqualTo(6);
    }

    @Test
    void theRowBudgetFollowsTheMemoryBudget() {
        FfnNeurons ffn = FfnNeurons.of(vit.manifest(), TokenMode.CLS);
        int small = PathSearch.rowsWithin(vit, ffn, 16L << 20);
        int large = PathSearch.rowsWithin(vit, ffn, 1L << 30);
        assertThat(small).isGreaterThanOrEqualTo(1).isLessThan(large);
        assertThat(PathSearch.rowsWithin(vit, ffn, 1)).isEqualTo(1);
        assertThat(large).isGreaterThan(50 * small);
    }

    @Test
    void onACpuARunIsShortEnoughToCancelWithinASecond() {
        // ViT-B/16: 86,567,656 parameters, 197 tokens → one row a run (≈ 0.46 s on the 2-core machine).
        assertThat(PathSearch.rowsForCancel(false, 86_567_656L, 197)).isEqualTo(1);
        // A model a tenth the size gets ten times the rows; the bundled ViT is bounded by memory only.
        assertThat(PathSearch.rowsForCancel(false, 8_656_765L, 197)).isEqualTo(11);
        FfnNeurons ffn = FfnNeurons.of(vit.manifest(), TokenMode.CLS);
        assertThat(PathSearch.rowsForCancel(vit, ffn)).isGreaterThan(PathSearch.rowsWithin(vit, ffn, 1L << 30));
        // On a GPU only the memory budget applies.
        assertThat(PathSearch.rowsForCancel(true, 86_567_656L, 197)).isGreaterThan(1_000_000);
    }

    @Test
    void memorySizesParseWithBinaryUnitsAndBadOnesAreRefused() {
        assertThat(MemoryBudget.parse("4g", "--memory")).isEqualTo(4L << 30);
        assertThat(MemoryBudget.parse("512M", "--memory")).isEqualTo(512L << 20);
        assertThat(MemoryBudget.parse("1.5g", "--memory")).isEqualTo(3L << 29);
        assertThat(MemoryBudget.parse("2GiB", "--memory")).isEqualTo(2L << 30);
        assertThat(MemoryBudget.parse("2048k", "--memory")).isEqualTo(2L << 20);
        assertThat(MemoryBudget.parse("1048576", "--memory")).isEqualTo(1L << 20);
        for (String bad : new String[] {"", "4x", "-1g", "lots", "512", "0.5k"}) {
            assertThatThrownBy(() -> MemoryBudget.parse(bad, "--memory")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--memory");
        }
        assertThat(MemoryBudget.defaultBytes(ai.djl.Device.cpu()))
                .isBetween(MemoryBudget.MIN_DEFAULT, MemoryBudget.MAX_DEFAULT);
    }
}
