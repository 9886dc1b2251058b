package org.lamina.analysis.chmcorr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Vote tie rule, kNN, the editable map's history, mask files and the row-major cell convention. */
class ChmcorrUnitsTest {

    @Test
    void tieWidensKUntilTheWinnerIsUnique() {
        // K = 4: labels 0,1,0,1 tie 2:2; K = 5 adds a 1 → 1 wins with 3 of 5.
        MajorityVote.Outcome o = MajorityVote.vote(new int[] {0, 1, 0, 1, 1, 0, 0}, 4, 2);
        assertThat(o.label()).isEqualTo(1);
        assertThat(o.k()).isEqualTo(5);
        assertThat(o.votes()).isEqualTo(3);
        // No tie: K stays.
        assertThat(MajorityVote.vote(new int[] {2, 2, 0, 1}, 3, 3).k()).isEqualTo(3);
        // A tie that survives K = N goes to the tied label ranked first.
        MajorityVote.Outcome widened = MajorityVote.vote(new int[] {1, 0, 0, 1}, 2, 2);
        assertThat(widened.k()).isEqualTo(3);
        assertThat(widened.label()).isZero();
        MajorityVote.Outcome end = MajorityVote.vote(new int[] {1, 0}, 2, 2);
        assertThat(end.k()).isEqualTo(2);
        assertThat(end.label()).isEqualTo(1);
    }

    @Test
    void cosineKnnIsExactAgainstBruteForce() {
        Random r = new Random(3);
        int n = 500;
        int d = 16;
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat() - 0.3f;
        }
        int[] labels = new int[n];
        GalleryIndex g = new GalleryIndex("sha", "test", "p", d, GalleryIndex.normaliseRows(f, d), labels, List.of("a"));
        float[] q = new float[d];
        for (int i = 0; i < d; i++) {
            q[i] = r.nextFloat();
        }
        Shortlist s = CosineKnn.shortlist(g, q, 50);
        float[] qn = GalleryIndex.normaliseRows(q.clone(), d);
        Integer[] all = new Integer[n];
        float[] sims = new float[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
            for (int c = 0; c < d; c++) {
                sims[i] += f[i * d + c] * qn[c];
            }
        }
        java.util.Arrays.sort(all, (a, b) -> Float.compare(sims[b], sims[a]));
        for (int k = 0; k < 50; k++) {
            assertThat(s.galleryIndices()[k]).isEqualTo(all[k]);
        }
        assertThatThrownBy(() -> CosineKnn.shortlist(g, new float[d + 1], 5))
                .hasMessageContaining("dimension " + (d + 1)).hasMessageContaining("has " + d);
    }

    @Test
    void strokesUndoRedoAndReplay() {
        EditableAttentionMap m = new EditableAttentionMap(7);
        assertThat(m.isEmpty()).isTrue();
        m.beginStroke("paint");
        m.paint(0, 0, 1, 1f);
        m.paint(0, 1, 1, 1f);
        m.endStroke();
        assertThat(m.history()).hasSize(1);
        assertThat(m.weights()[0]).isEqualTo(1f);
        assertThat(m.weights()[1]).isEqualTo(1f);
        m.setBinary(false);
        m.paint(3, 3, 3, 0.4f);                 // 3×3 brush, rows/cols 2..4
        assertThat(m.weights()[2 * 7 + 2]).isEqualTo(0.4f);
        assertThat(m.weights()[4 * 7 + 4]).isEqualTo(0.4f);
        assertThat(m.weights()[5 * 7 + 5]).isZero();
        m.erase(3, 3, 1);
        assertThat(m.weights()[3 * 7 + 3]).isZero();
        float[] before = m.weights();
        assertThat(m.undo()).isTrue();
        assertThat(m.weights()[3 * 7 + 3]).isEqualTo(0.4f);
        assertThat(m.redo()).isTrue();
        assertThat(m.weights()).containsExactly(before);
        EditableAttentionMap again = EditableAttentionMap.replay(7, m.history());
        assertThat(again.weights()).containsExactly(before);
        m.resetEmpty();
        assertThat(m.isEmpty()).isTrue();
        m.undo();
        assertThat(m.weights()).containsExactly(before);
        m.paint(6, 6, 1, 1f);
        assertThat(m.canRedo()).isFalse();     // a new edit drops the redo branch
        assertThatThrownBy(() -> m.paint(0, 0, 1, 1.5f)).hasMessageContaining("[0, 1]");
    }

    @Test
    void userMapOnTheTopRowScoresTopRowCellsNotTheLeftColumn() {
        // Exemplar evidence only in the top row; a top-row user map must see it, a (transposed) left column not.
        int g = 3;
        float[] ev = {1, 1, 1, 0, 0, 0, 0, 0, 0};
        Correspondences c = new Correspondences(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, ev, ev);
        QueryEvidence q = new QueryEvidence(g, new Shortlist(new int[] {0}, new int[] {0}, new float[] {1}),
                List.of(c), List.of(new float[9]), 0.55, 0.2, 1, 1);
        float[] topRow = new float[9];
        topRow[0] = topRow[1] = topRow[2] = 1;
        float[] leftColumn = new float[9];
        leftColumn[0] = leftColumn[3] = leftColumn[6] = 1;
        assertThat(q.decide(topRow).scores()[0]).isEqualTo(3f / 9);
        assertThat(q.decide(leftColumn).scores()[0]).isEqualTo(1f / 9);
        assertThat(q.bestPairs(0, topRow, 5)).extracting(PatchPair::queryCell).containsExactly(0, 1, 2);
    }

    @Test
    void maskCsvReadsAndRejectsBadFiles(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.csv");
        Files.writeString(ok, "# top row\n1,1,1\n0,0.5,0\n0,0,0\n");
        float[] w = MaskCsv.read(ok, 3);
        assertThat(w).containsExactly(1, 1, 1, 0, 0.5f, 0, 0, 0, 0);
        assertThat(MaskCsv.read(ok, 3)).containsExactly(MaskCsv.read(writeBack(dir, w), 3));
        Path wrongGrid = dir.resolve("wrong.csv");
        Files.writeString(wrongGrid, "1,1\n0,0\n");
        assertThatThrownBy(() -> MaskCsv.read(wrongGrid, 7)).hasMessageContaining("wrong.csv")
                .hasMessageContaining("2 rows").hasMessageContaining("7x7");
        Path outside = dir.resolve("outside.csv");
        Files.writeString(outside, "1,1,1\n0,1.2,0\n0,0,0\n");
        assertThatThrownBy(() -> MaskCsv.read(outside, 3)).hasMessageContaining("line 2, column 2")
                .hasMessageContaining("outside [0, 1]");
        Path text = dir.resolve("text.csv");
        Files.writeString(text, "1,1,x\n0,1,0\n0,0,0\n");
        assertThatThrownBy(() -> MaskCsv.read(text, 3)).hasMessageContaining("'x' is not a number");
    }

    private static Path writeBack(Path dir, float[] w) throws Exception {
        Path p = dir.resolve("back.csv");
        Files.writeString(p, MaskCsv.format(w, 3));
        return p;
    }
}
