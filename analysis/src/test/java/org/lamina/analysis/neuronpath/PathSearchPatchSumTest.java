package org.lamina.analysis.neuronpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * {@link TokenMode#PATCH_SUM}: the joint attribution score per patch token, summed over tokens
 * (issue #22 "Neuron paths"; the NeuronPath reference's form for global-pool models), against an
 * independent plain loop over tokens in eager PyTorch — one run of m rows per patch token, only
 * that token's FFN vector overwritten. Golden values printed by
 * {@code /usr/bin/python3 tools/fixtures/neuronpath_fixture.py --patch-sum} (torch 1.13; it also
 * prints each block's margin between the chosen neuron and the next: at least 0.6 % of the best
 * score, far above float rounding).
 *
 * <p>On these sample ViTs the head reads the CLS token, so the last block's patch tokens cannot
 * reach the output: its block term is exactly 0 and its path neuron is chosen by the earlier
 * blocks' terms alone, in the reference loop as here.
 */
class PathSearchPatchSumTest {

    /** One image: JAS path, JAS(P), block terms, JAS_l of the chosen neurons, IG path (or null). */
    record Case(String model, int index, int target, int steps, int topK, int[][] jasPath, double jasScore,
                double[] blockTerms, double[][] jasPerBlock, int[][] igPath) {
    }

    private static final List<Case> CASES = List.of(
            new Case("sample:tiny-vit", 0, 7, 20, 1,
                    new int[][] {{12}, {37}}, 0.07956955469187864,
                    new double[] {0.0285962021907995, 0.0},
                    new double[][] {{0.02878928978299824}, {0.07956955469187864}},
                    new int[][] {{12}, {0}}),
            new Case("sample:tiny-vit", 1, 1, 20, 1,
                    new int[][] {{63}, {3}}, 0.10290062128308068,
                    new double[] {0.04175656487451901, 0.0},
                    new double[][] {{0.04496180043182285}, {0.10290062128308068}},
                    new int[][] {{63}, {0}}),
            new Case("sample:tiny-vit", 2, 5, 20, 2,
                    new int[][] {{12, 26}, {57, 45}}, 0.277237990236935,
                    new double[] {0.13217800990220419, 0.0},
                    new double[][] {{0.03773349745165792, 0.021865751501229894}, {0.20742350429170003, 0.2019924966064146}},
                    null),
            // m = 2 keeps this 6-block, 49-token case short (7 runs of 98 rows); the equivalence does not depend on m
            new Case("sample:fashion-vit", 0, 7, 2, 1,
                    new int[][] {{181}, {227}, {29}, {106}, {181}, {201}}, 0.03520154816379549,
                    new double[] {-0.0009997991446895498, 0.0004950235113105843, 0.00019170486586756017,
                        -0.0005449566198843937, 1.5026320893303772e-06, 0.0},
                    new double[][] {{0.02613692958714265}, {0.07194342410383023}, {0.009793321194723927},
                        {0.014145828956692617}, {0.02174974191731381}, {0.03520154816379549}},
                    null));

    private static final Dataset DATA = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});

    @Test
    void tinyVitTwoImagesInRunsThatSplitTokensAcrossImagesMatchThePerTokenReference() {
        // row budget 7 × m: 16 patch tokens per image → runs of 7 units that straddle the two images
        check(List.of(CASES.get(0), CASES.get(1)), 7 * 20);
    }

    @Test
    void tinyVitTopTwoMatchesThePerTokenReference() {
        check(List.of(CASES.get(2)), 0);
    }

    @Test
    void fashionVitMatchesThePerTokenReference() {
        check(List.of(CASES.get(3)), 0);
    }

    /** Runs the cases (consecutive data-set indices, one model) as one chunk; rowBudget 0 = default. */
    private static void check(List<Case> cases, int rowBudget) {
        Case first = cases.get(0);
        int n = cases.size();
        try (ProbeableModel model = ModelLoader.open(first.model(), ModelRuntime.DeviceChoice.CPU);
             NDManager mgr = NDManager.newBaseManager(model.device())) {
            var in = model.manifest().input();
            NDArray x = DATA.batch(mgr, first.index(), first.index() + n, in.mean(), in.std());
            int[] targets = cases.stream().mapToInt(Case::target).toArray();
            for (int i = 0; i < n; i++) {
                assertThat(DATA.label(cases.get(i).index())).isEqualTo(targets[i]);
            }
            FfnNeurons ffn = FfnNeurons.of(model.manifest(), TokenMode.PATCH_SUM);
            PathSearch search = rowBudget > 0 ? new PathSearch(model, ffn, first.steps(), rowBudget)
                    : new PathSearch(model, ffn, first.steps());
            CleanPass clean = search.clean(mgr, x, targets);
            int blocks = ffn.blocks();
            float[][][] jasOut = new float[n][blocks][];
            int[][][] paths = search.searchJas(mgr, x, clean, first.topK(), jasOut);
            double[][] terms = new double[n][blocks];
            double[] scores = search.score(mgr, x, clean, paths, terms);
            int[][][] ig = first.igPath() != null ? search.igPaths(mgr, x, clean, first.topK()) : null;
            for (int i = 0; i < n; i++) {
                Case c = cases.get(i);
                String what = c.model() + " image " + c.index();
                assertThat(paths[i]).as(what + " JAS path").isDeepEqualTo(c.jasPath());
                assertThat(scores[i]).as(what + " JAS(P)").isCloseTo(c.jasScore(), within(1e-4 * Math.abs(c.jasScore())));
                for (int b = 0; b < blocks; b++) {
                    assertThat(terms[i][b]).as(what + " block term " + b)
                            .isCloseTo(c.blockTerms()[b], within(1e-4 * Math.abs(c.jasScore())));
                    for (int q = 0; q < c.topK(); q++) {
                        assertThat((double) jasOut[i][b][q]).as(what + " JAS_" + b)
                                .isCloseTo(c.jasPerBlock()[b][q], within(1e-4 * Math.abs(c.jasPerBlock()[b][q]) + 1e-8));
                    }
                }
                if (ig != null) {
                    assertThat(ig[i]).as(what + " IG path").isDeepEqualTo(c.igPath());
                }
            }
        }
    }
}
