package org.lamina.plugins.explorer;

import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableCell;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.job.JobRunner;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation tab's table on 1000 classes, 40 with samples, headless (Monocle). */
@ExtendWith(ApplicationExtension.class)
class EvaluationPaneTest {

    private JobRunner runner;
    private EvaluationPane pane;

    /** 1000 classes; every 25th has samples: class c has 1 + c % 3 samples, c % 2 of them right. */
    static Evaluation thousand() {
        int k = 1000;
        List<String> labels = new ArrayList<>();
        int[][] cm = new int[k][k];
        int[] top5 = new int[k];
        for (int c = 0; c < k; c++) {
            labels.add(c == 500 ? "tabby cat" : String.format("class-%03d", c));
            if (c % 25 == 0) {
                int n = 1 + c % 3;
                int right = Math.min(n, c % 2);
                cm[c][c] = right;
                cm[c][(c + 1) % k] = n - right;
                top5[c] = n;
            }
        }
        return Evaluation.of("m", "d", labels, cm, top5);
    }

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        pane = new EvaluationPane(new HeadlessContext(runner));
        stage.setScene(new Scene(new StackPane(pane.node()), 1000, 600));
        stage.show();
    }

    @AfterEach
    void close() {
        runner.close();
    }

    @Test
    void tableFiltersByNameOrIndexAndShowsADashForClassesWithoutSamples(FxRobot robot) throws Exception {
        FxWait.onFx(() -> {
            pane.show(thousand());
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> pane.shownRows().size(), 10)).isEqualTo(1000);
        assertThat(FxWait.onFx(() -> robot.lookup("#explorer-eval-summary").queryAs(Labeled.class).getText(), 10))
                .contains("1000 classes, 40 with samples").doesNotContain("NaN");
        // Virtualised: only the visible rows have cells, not 1000.
        long cells = FxWait.onFx(() -> robot.lookup(".table-row-cell").queryAll().size(), 10);
        assertThat(cells).isLessThan(100);
        // Rows without samples show the dash in both accuracy columns.
        assertThat(FxWait.onFx(() -> robot.lookup(".table-cell").queryAllAs(TableCell.class).stream()
                .map(TableCell::getText).filter(t -> t != null).toList(), 10))
                .contains(EvaluationPane.NO_VALUE).noneMatch(t -> t.contains("NaN"));

        FxWait.onFx(() -> {
            robot.lookup("#explorer-eval-filter").queryAs(TextField.class).setText("TABBY");
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> pane.shownRows(), 10)).extracting(Evaluation.ClassResult::index).containsExactly(500);
        FxWait.onFx(() -> {
            robot.lookup("#explorer-eval-filter").queryAs(TextField.class).setText("17");
            return null;
        }, 10);
        // Index 17, and every name containing "17" (class-017, class-117, …, class-170 … class-179, class-917 …).
        List<Integer> seventeen = FxWait.onFx(() -> pane.shownRows().stream().map(Evaluation.ClassResult::index).toList(), 10);
        assertThat(seventeen).contains(17, 117, 170, 179, 917).allMatch(i -> String.format("%03d", i).contains("17"));
        FxWait.onFx(() -> {
            robot.lookup("#explorer-eval-filter").queryAs(TextField.class).setText("");
            robot.lookup("#explorer-eval-with-samples").queryAs(CheckBox.class).setSelected(true);
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> pane.shownRows(), 10)).hasSize(40).allMatch(r -> r.samples() > 0);
        assertThat(FxWait.onFx(() -> pane.confusion().figure(), 10)).isNotNull();
    }

    @Test
    void withoutAModelItSaysSoInsteadOfRunning() throws Exception {
        FxWait.onFx(() -> {
            pane.start();
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> robot().lookup("#explorer-eval-summary").queryAs(Labeled.class).getText(), 10))
                .contains("Open a model");
    }

    private static FxRobot robot() {
        return new FxRobot();
    }
}
