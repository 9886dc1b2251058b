package org.lamina.app.plugins;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PluginLoaderTest {

    @Test
    void brokenPluginsAreListedWithTheirReasonAndTheOthersLoad() {
        List<PluginStatus> all = PluginLoader.discover();
        assertThat(all).filteredOn(p -> p.id().equals("explorer")).singleElement()
                .satisfies(p -> assertThat(p.failed()).isFalse());
        assertThat(all).filteredOn(p -> p.id().endsWith("BrokenAtLoadPlugin")).singleElement()
                .satisfies(p -> assertThat(p.error()).contains("failed to load").contains("missing native library libfoo.so"));
        assertThat(all).filteredOn(p -> p.id().equals("future")).singleElement()
                .satisfies(p -> assertThat(p.error()).contains("plugin API version 2").contains("provides version 1"));
        assertThat(all).filteredOn(p -> p.error() != null && p.error().contains("NoSuchPlugin")).hasSize(1);
        // Loading succeeds for the view-breaking plugin; it fails later, in createView (WorkbenchWindowTest).
        assertThat(all).filteredOn(p -> p.id().equals("broken-view")).singleElement()
                .satisfies(p -> assertThat(p.failed()).isFalse());
    }
}
