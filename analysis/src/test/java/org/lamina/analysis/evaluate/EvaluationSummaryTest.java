package org.lamina.analysis.evaluate;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.FigureExporter;

import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Top-5, per-class rows, best/worst and the tables of an evaluation built from counts worked out by hand. */
class EvaluationSummaryTest {

    /**
     * Six classes: a 3/4 right (top-5 4/4), b 1/2, c no samples, d 0/3, e 2/2, f 0/1.
     * best: e (1.0), a (0.75), b (0.5), then d and f at 0 — d first (3 samples > 1).
     */
    private static Evaluation sixClasses() {
        int[][] cm = {
            {3, 1, 0, 0, 0, 0},
            {0, 1, 0, 1, 0, 0},
            {0, 0, 0, 0, 0, 0},
            {1, 1, 0, 0, 1, 0},
            {0, 0, 0, 0, 2, 0},
            {0, 0, 0, 0, 1, 0},
        };
        int[] top5 = {4, 2, 0, 1, 2, 0};
        return Evaluation.of("m", "d", List.of("a", "b", "c", "d", "e", "f"), cm, top5);
    }

    @Test
    void countsAccuraciesAndEmptyClasses() {
        Evaluation e = sixClasses();
        assertThat(e.samples()).isEqualTo(12);
        assertThat(e.accuracy()).isEqualTo(6 / 12.0);
        assertThat(e.top5Accuracy()).hasValue(9 / 12.0);
        assertThat(e.classesWithSamples()).isEqualTo(5);
        Evaluation.ClassResult c = e.perClass().get(2);
        assertThat(c.samples()).isZero();
        assertThat(c.accuracy()).isEmpty();
        assertThat(c.top5Accuracy()).isEmpty();
        assertThat(e.perClass().get(0).accuracy()).hasValue(0.75);
    }

    @Test
    void bestAndWorstSkipClassesWithoutSamplesAndBreakTiesByEvidenceThenIndex() {
        Evaluation e = sixClasses();
        assertThat(e.best(3)).extracting(Evaluation.ClassResult::label).containsExactly("e", "a", "b");
        assertThat(e.best(10)).extracting(Evaluation.ClassResult::label).containsExactly("e", "a", "b", "d", "f");
        assertThat(e.worst(2)).extracting(Evaluation.ClassResult::label).containsExactly("d", "f");
        assertThatThrownBy(() -> e.worst(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Test
    void perClassCsvLeavesAccuracyOfClassesWithoutSamplesEmpty() throws Exception {
        StringWriter w = new StringWriter();
        sixClasses().perClassTable().writeCsv(w);
        List<String> lines = w.toString().lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).isEqualTo("class,label,samples,correct,accuracy,top5_correct,top5_accuracy");
        assertThat(lines.get(1)).isEqualTo("0,a,4,3,0.75,4,1.0");
        assertThat(lines.get(3)).isEqualTo("2,c,0,0,,0,");
        assertThat(w.toString()).doesNotContain("NaN");
    }

    @Test
    void fewerThanFiveClassesHaveNoTop5() throws Exception {
        Evaluation e = Evaluation.of("m", "d", List.of("x", "y"), new int[][] {{1, 1}, {0, 2}}, new int[] {2, 2});
        assertThat(e.hasTop5()).isFalse();
        assertThat(e.top5Accuracy()).isEmpty();
        StringWriter w = new StringWriter();
        e.perClassTable().writeCsv(w);
        assertThat(w.toString().lines().toList().get(1)).isEqualTo("0,x,2,1,0.5,,");
    }

    @Test
    void longLabelListsAreShortenedInMessages() {
        List<String> many = new ArrayList<>();
        for (int c = 0; c < 1000; c++) {
            many.add("c" + c);
        }
        assertThat(org.lamina.analysis.data.LabelListText.of(many))
                .isEqualTo("[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, …, c998, c999] (1000 labels)");
        assertThat(org.lamina.analysis.data.LabelListText.of(many.subList(0, 20))).isEqualTo(many.subList(0, 20).toString());
    }

    @Test
    void rankBreaksTiesLikeArgMax() {
        float[] v = {0.5f, 2f, 2f, -1f, 3f, 2f, 0f};
        // order: 4 (3.0), 1, 2, 5 (2.0 tie, by index), 0, 6, 3
        assertThat(Evaluation.rank(v, 0, 7, 4)).isZero();
        assertThat(Evaluation.rank(v, 0, 7, 1)).isEqualTo(1);
        assertThat(Evaluation.rank(v, 0, 7, 2)).isEqualTo(2);
        assertThat(Evaluation.rank(v, 0, 7, 5)).isEqualTo(3);
        assertThat(Evaluation.rank(v, 0, 7, 0)).isEqualTo(4);
        assertThat(Evaluation.rank(v, 0, 7, 3)).isEqualTo(6);
        // the offset selects a row of a batch
        float[] two = {9f, 0f, 0f, 1f};
        assertThat(Evaluation.rank(two, 2, 2, 1)).isZero();
    }

    @Test
    void confusionTableAndFigure() {
        int k = 1000;
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            labels.add("c" + c);
        }
        int[][] cm = new int[k][k];
        for (int c = 0; c < k; c += 3) {
            cm[c][c] = 2;
            cm[c][(c + 1) % k] = 1;
        }
        Evaluation e = Evaluation.of("m", "d", labels, cm, new int[k]);
        FigureData t = e.confusionTable();
        assertThat(t.rows()).hasSize(k);
        assertThat(t.columns()).hasSize(k + 2);
        assertThat(t.rows().get(3).subList(0, 6)).containsExactly(3, "c3", 0, 0, 0, 2);

        ConfusionFigure many = new ConfusionFigure(e);
        assertThat(many.annotated()).isFalse();
        BufferedImage cells = many.cells();
        // Row 3: 2/3 of its samples on the diagonal (dark), 1/3 next to it (lighter), the rest white.
        assertThat(cells.getRGB(3, 3) & 0xffffff).isEqualTo(ConfusionFigure.rgb(2 / 3.0));
        assertThat(cells.getRGB(4, 3) & 0xffffff).isEqualTo(ConfusionFigure.rgb(1 / 3.0));
        assertThat(cells.getRGB(5, 3) & 0xffffff).isEqualTo(0xffffff);
        // Row 4 has no samples: grey, not white (a class never predicted right would be white).
        assertThat(cells.getRGB(4, 4) & 0xffffff).isNotEqualTo(0xffffff).isNotEqualTo(ConfusionFigure.rgb(0));
        assertThat(FigureExporter.renderPixels(many, 600, 540).getWidth()).isEqualTo(600);
        // Shrunk to 100 pixels, a pixel covers 10×10 cells and shows their largest share.
        BufferedImage pooled = many.pooled(100);
        assertThat(pooled.getRGB(0, 0) & 0xffffff).isEqualTo(ConfusionFigure.rgb(2 / 3.0));
        assertThat(pooled.getRGB(5, 0) & 0xffffff).isEqualTo(0xffffff);
        // Rows 990 … 999: only 990 has samples; its confusion with 991 lands in the same pixel.
        assertThat(pooled.getRGB(99, 99) & 0xffffff).isEqualTo(ConfusionFigure.rgb(2 / 3.0));

        assertThat(ConfusionFigure.tickStep(1000, 10)).isEqualTo(100);
        assertThat(ConfusionFigure.tickStep(101, 10)).isEqualTo(20);
        assertThat(ConfusionFigure.tickStep(10, 10)).isEqualTo(1);
        assertThat(new ConfusionFigure(sixClasses()).annotated()).isTrue();
    }
}
