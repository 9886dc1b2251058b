package org.lamina.plugins.api;

import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lamina.plugins.api.testing.FxWait;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The searchable label picker on 1000 class names, headless (Monocle); waits are upper bounds, not timings. */
@ExtendWith(ApplicationExtension.class)
class LabelPickerTest {

    private LabelPicker picker;

    private static List<String> thousand() {
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < 1000; c++) {
            labels.add(c == 417 ? "Balloon, hot-air" : String.format("class-%03d", c));
        }
        return labels;
    }

    @Start
    void start(Stage stage) {
        picker = new LabelPicker("picker");
        picker.setChoices(List.of("(predicted class)"), thousand());
        stage.setScene(new Scene(new StackPane(picker), 400, 600));
        stage.show();
    }

    @Test
    void leadingEntriesAreNotClassesAndIndicesAreTheModels() throws Exception {
        assertThat(FxWait.onFx(() -> picker.getValue(), 10)).isEqualTo("(predicted class)");
        assertThat(FxWait.onFx(() -> picker.labelIndex(), 10)).isEqualTo(-1);
        assertThat(FxWait.onFx(() -> picker.labels(), 10)).hasSize(1000).startsWith("class-000");
        FxWait.onFx(() -> {
            picker.selectLabel(417);
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> picker.getValue(), 10)).isEqualTo("Balloon, hot-air");
        assertThat(FxWait.onFx(() -> picker.labelIndex(), 10)).isEqualTo(417);
    }

    @Test
    void choicesCanBeReplacedWhileAValueIsShown(FxRobot robot) throws Exception {
        // A panel replaces the choices whenever another model opens; the picker's skin keeps a
        // filtered copy of the list, which must never be read half-updated.
        robot.clickOn(picker);
        robot.write("class-00");
        robot.type(KeyCode.ESCAPE);
        List<Throwable> errors = FxWait.onFx(() -> {
            List<Throwable> seen = new ArrayList<>();
            Thread fx = Thread.currentThread();
            Thread.UncaughtExceptionHandler old = fx.getUncaughtExceptionHandler();
            fx.setUncaughtExceptionHandler((t, e) -> seen.add(e));
            try {
                picker.selectLabel(5);
                picker.setChoices(List.of(), List.of());
                picker.setChoices(List.of("All classes"), List.of("a", "b"));
                picker.setValue("b");
                picker.addChoice("a + b");
                picker.setValue("a + b");
                picker.setChoices(List.of("(predicted class)"), thousand());
                picker.selectLabel(999);
            } finally {
                fx.setUncaughtExceptionHandler(old);
            }
            return seen;
        }, 10);
        assertThat(errors).isEmpty();
        assertThat(FxWait.onFx(() -> picker.getValue(), 10)).isEqualTo("class-999");
        assertThat(FxWait.onFx(() -> picker.labelIndex(), 10)).isEqualTo(999);
    }

    @Test
    void typingFiltersTheThousandNamesAndEnterChooses(FxRobot robot) throws Exception {
        robot.clickOn(picker);
        robot.write("balloon");
        // The popup's list holds the matches only (every typed word, case ignored).
        FxWait.until(() -> robot.lookup(".list-view").queryAll().stream()
                .anyMatch(n -> n instanceof ListView<?> l && l.getItems().size() == 1), 20);
        robot.type(KeyCode.ENTER);
        FxWait.until(() -> "Balloon, hot-air".equals(picker.getValue()), 20);
        assertThat(FxWait.onFx(() -> picker.labelIndex(), 10)).isEqualTo(417);

        robot.clickOn(picker);
        robot.eraseText(20);
        robot.write("class 99");
        // "class" and "99" both occur in class-099, class-199, …, class-990 … class-999: 19 names.
        FxWait.until(() -> robot.lookup(".list-view").queryAll().stream()
                .anyMatch(n -> n instanceof ListView<?> l && l.getItems().size() == 19), 20);
        robot.type(KeyCode.ESCAPE);
        // Escape keeps the previous choice.
        FxWait.until(() -> "Balloon, hot-air".equals(picker.getValue()), 20);
        assertThat(robot.lookup(".text-field").queryAll().stream().filter(TextField.class::isInstance).count()).isPositive();
    }
}
