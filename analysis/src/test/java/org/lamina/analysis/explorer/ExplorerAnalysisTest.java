package org.lamina.analysis.explorer;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.HeatmapGridFigure;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExplorerAnalysisTest {

    private static ExplorerRequest fashionItem(String point) {
        Dataset data = SampleData.open("sample:fashion-test", new long[] {1, 28, 28});
        return new ExplorerRequest("fashion #0", data.sample(0), point, -1);
    }

    @Test
    void cnnGivesProbabilitiesChannelMapsAndSaliency() {
        try (ProbeableModel m = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            ExplorerResult r = ExplorerAnalysis.run(m, fashionItem("relu1"), ProgressSink.none());
            double sum = 0;
            for (float p : r.probabilities()) {
                sum += p;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(r.targetClass()).isEqualTo(r.predictedClass());
            assertThat(r.activation()).hasSize(8 * 28 * 28);
            assertThat(r.saliency()).hasSize(28 * 28);
            float max = 0;
            for (float s : r.saliency()) {
                max = Math.max(max, s);
            }
            assertThat(max).isPositive();
            HeatmapGridFigure maps = ExplorerFigures.activationMaps(r);
            assertThat(maps.tiles()).hasSize(8);
            assertThat(maps.tiles().get(0).rows()).isEqualTo(28);
            List<Figure> all = ExplorerFigures.all(r);
            assertThat(all).extracting(Figure::name).containsExactly("top5", "maps", "histogram", "saliency");
            assertThat(all.get(0).data().rows()).hasSize(5);
        }
    }

    @Test
    void vitShowsClassTokenAttentionPerHeadAndTokenMaps() {
        try (ProbeableModel m = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU)) {
            ExplorerResult attn = ExplorerAnalysis.run(m, fashionItem("blocks.0.attn.probs"), ProgressSink.none());
            HeatmapGridFigure maps = ExplorerFigures.activationMaps(attn);
            // mean of heads + 4 heads, each on the 4x4 patch grid
            assertThat(maps.tiles()).hasSize(5);
            assertThat(maps.tiles()).allSatisfy(t -> assertThat(t.rows() * t.cols()).isEqualTo(16));
            // The class token's attention over patches is a part of a softmax row: sums to at most 1.
            double s = 0;
            for (float v : maps.tiles().get(1).values()) {
                s += v;
            }
            assertThat(s).isBetween(0.0, 1.0 + 1e-5);

            ExplorerResult tokens = ExplorerAnalysis.run(m, fashionItem("blocks.1"), ProgressSink.none());
            HeatmapGridFigure tmaps = ExplorerFigures.activationMaps(tokens);
            assertThat(tmaps.tiles().get(0).label()).isEqualTo("token norm");
            assertThat(tmaps.tiles()).hasSize(ExplorerFigures.MAX_MAPS);
        }
    }

    @Test
    void chosenTargetClassIsUsedForSaliency() {
        try (ProbeableModel m = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU)) {
            ExplorerRequest base = fashionItem("gap");
            ExplorerResult r = ExplorerAnalysis.run(m, new ExplorerRequest(base.source(), base.pixels(), "gap", 3),
                    ProgressSink.none());
            assertThat(r.targetClass()).isEqualTo(3);
            assertThat(ExplorerFigures.saliency(r).title()).contains("Dress");
            assertThat(ExplorerFigures.activationMaps(r).tiles()).hasSize(1);
        }
    }
}
