package org.lamina.app.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The window and {@code screenshots} name JavaFX when it is missing (bench/gpu/pack.sh's bundle
 * leaves it out) instead of dying with a {@link NoClassDefFoundError} stack. This class path has
 * JavaFX, so a missing class is simulated with a name that does not exist.
 */
class JavaFxRequirementTest {

    @Test
    void aMissingClassIsNamedWithTheCommand() {
        assertThatThrownBy(() -> LaminaCli.requireClass("javafx.application.NoSuchPlatform", "screenshots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("screenshots needs JavaFX")
                .hasMessageContaining("javafx.application.NoSuchPlatform not found");
    }

    @Test
    void theProbeClassIsJavaFxsOwnAndPresentHere() {
        assertThat(LaminaCli.JAVAFX_PROBE_CLASS).startsWith("javafx.");
        assertThatCode(() -> LaminaCli.requireJavaFx("screenshots")).doesNotThrowAnyException();
    }
}
