package org.lamina.analysis.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which probe points are spatial maps, and how they read as a grid (manifests only, no engine). */
class SpatialLayoutTest {

    private static ModelManifest manifest(String name) {
        return ManifestReader.read(Path.of("../sample-models", name));
    }

    @Test
    void vitResidualStreamTokensAreMapsAttentionAndMlpPointsAreNot() {
        ModelManifest vit = manifest("fashion-vit");
        assertThat(SpatialLayout.names(vit)).containsExactly("embed", "blocks.0", "blocks.1", "blocks.2", "blocks.3",
                "blocks.4", "blocks.5", "norm");
        SpatialLayout l = SpatialLayout.of(vit, vit.probePoint("blocks.5")).orElseThrow();
        assertThat(l.kind()).isEqualTo(SpatialLayout.Kind.TOKENS);
        assertThat(new int[] {l.rows(), l.cols(), l.channels(), l.skipped()}).containsExactly(7, 7, 64, 1);
        assertThat(SpatialLayout.of(vit, vit.probePoint("blocks.5.attn.probs"))).isEmpty();
        assertThat(SpatialLayout.of(vit, vit.probePoint("blocks.5.mlp.act"))).isEmpty();
        assertThatThrownBy(() -> SpatialLayout.require(vit, "blocks.3.attn.probs", "CHM-Corr"))
                .isInstanceOf(ModelException.class).hasMessageContaining("[4, 50, 50]")
                .hasMessageContaining("CHM-Corr can use: embed, blocks.0, blocks.1");
    }

    @Test
    void cnnMapsAreChannelsFirstAndVectorsAreNot() {
        ModelManifest cnn = manifest("fashion-cnn");
        assertThat(SpatialLayout.names(cnn)).containsExactly("stage1", "stage2", "stage3");
        SpatialLayout l = SpatialLayout.of(cnn, cnn.probePoint("stage1")).orElseThrow();
        assertThat(new int[] {l.rows(), l.cols(), l.channels(), l.skipped()}).containsExactly(14, 14, 32, 0);
        assertThat(SpatialLayout.of(cnn, cnn.probePoint("gap"))).isEmpty();
    }

    @Test
    void positionMajorDropsTheClassTokenAndTransposesChannelsFirstMaps() {
        ModelManifest vit = manifest("tiny-vit"); // 4 × 4 patches + CLS, D = 32
        SpatialLayout tokens = SpatialLayout.of(vit, vit.probePoint("blocks.1")).orElseThrow();
        float[] sample = new float[17 * 32];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = i;
        }
        float[] grid = tokens.positionMajor(sample);
        assertThat(grid).hasSize(16 * 32);
        assertThat(grid[0]).isEqualTo(32f); // patch (0, 0) is token 1
        assertThat(grid[5 * 32 + 3]).isEqualTo(6 * 32 + 3f);

        ModelManifest cnn = manifest("fashion-cnn");
        SpatialLayout chw = SpatialLayout.of(cnn, cnn.probePoint("stage3")).orElseThrow(); // [128, 7, 7]
        float[] map = new float[128 * 49];
        for (int i = 0; i < map.length; i++) {
            map[i] = i;
        }
        float[] cells = chw.positionMajor(map);
        assertThat(cells[10 * 128 + 5]).isEqualTo(5 * 49 + 10f); // cell 10, channel 5
    }
}
