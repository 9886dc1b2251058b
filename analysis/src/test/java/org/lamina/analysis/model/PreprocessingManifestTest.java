package org.lamina.analysis.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manifest's optional top-level {@code preprocessing} object ({@link ImagePreprocessing}). */
class PreprocessingManifestTest {

    @TempDir
    Path temp;

    /** tiny-cnn (input [1, 28, 28]) with {@code preprocessing} set to the given JSON, or none. */
    private Path tinyCnnWith(String preprocessing) throws IOException {
        Path dir = temp.resolve("m" + Math.abs((preprocessing == null ? "" : preprocessing).hashCode()));
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.dir("tiny-cnn"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        if (preprocessing != null) {
            String json = Files.readString(dir.resolve("model.json")).strip();
            Files.writeString(dir.resolve("model.json"), "{\"preprocessing\": " + preprocessing + ", " + json.substring(1));
        }
        return dir;
    }

    @Test
    void absentMeansStretchAndTheDigestIsUnchanged() throws IOException {
        ModelManifest m = ManifestReader.read(tinyCnnWith(null));
        assertThat(m.input().preprocessing()).isEqualTo(ImagePreprocessing.STRETCH);
        assertThat(m.input().preprocessing().describe(m.input().shape()))
                .isEqualTo("none recorded: images of another size than 28x28 are stretched to 28x28 (Java2D bilinear, "
                        + "aspect ratio not kept)");
        assertThat(ManifestDigest.canonicalJson(m)).doesNotContain("preprocessing");
        assertThat(ManifestReader.read(tinyCnnWith("null")).input().preprocessing()).isEqualTo(ImagePreprocessing.STRETCH);
    }

    @Test
    void aRecordedPreprocessingIsReadDescribedAndHashed() throws IOException {
        ModelManifest m = ManifestReader.read(tinyCnnWith(
                "{\"resizeShorter\": 32, \"centerCrop\": 28, \"interpolation\": \"bicubic\"}"));
        assertThat(m.input().preprocessing())
                .isEqualTo(new ImagePreprocessing(32, 28, ImagePreprocessing.Interpolation.BICUBIC));
        assertThat(m.input().preprocessing().describe(m.input().shape()))
                .isEqualTo("resize shorter side to 32 (bicubic, as PIL), centre crop 28; images already 28x28 are taken as they are");
        assertThat(ManifestDigest.canonicalJson(m))
                .contains("\"preprocessing\":{\"centerCrop\":28,\"interpolation\":\"bicubic\",\"resizeShorter\":32}");
        assertThat(ManifestDigest.sha256(m)).isNotEqualTo(ManifestDigest.sha256(ManifestReader.read(tinyCnnWith(null))));
    }

    @Test
    void badFieldsAreNamedWithWhatWasExpected() throws IOException {
        String[][] cases = {
                {"[256, 224]", "field 'preprocessing' must be an object {\"resizeShorter\": N, \"centerCrop\": M"},
                {"{\"resizeShorter\": 32, \"centerCrop\": 28}", "field 'preprocessing.interpolation' must be \"bilinear\" or \"bicubic\""},
                {"{\"resizeShorter\": 32, \"centerCrop\": 28, \"interpolation\": \"nearest\"}",
                        "field 'preprocessing.interpolation' must be \"bilinear\" or \"bicubic\", got \"nearest\""},
                {"{\"resizeShorter\": -1, \"centerCrop\": 28, \"interpolation\": \"bilinear\"}",
                        "field 'preprocessing.resizeShorter' must be a positive integer, got -1"},
                {"{\"resizeShorter\": 32.5, \"centerCrop\": 28, \"interpolation\": \"bilinear\"}",
                        "field 'preprocessing.resizeShorter' must be a positive integer, got 32.5"},
                {"{\"resizeShorter\": 32, \"interpolation\": \"bilinear\"}",
                        "field 'preprocessing.centerCrop' must be a positive integer, got nothing"},
                {"{\"resizeShorter\": 256, \"centerCrop\": 224, \"interpolation\": \"bilinear\"}",
                        "field 'preprocessing.centerCrop' must be the input's height and width (input.shape [1, 28, 28]), got 224"},
                {"{\"resizeShorter\": 20, \"centerCrop\": 28, \"interpolation\": \"bilinear\"}",
                        "field 'preprocessing.centerCrop' must be at most preprocessing.resizeShorter (20), got 28"},
                {"{\"resizeShorter\": 32, \"centerCrop\": 28, \"interpolation\": \"bilinear\", \"mean\": 1}",
                        "field 'preprocessing.mean' must be absent: preprocessing knows only resizeShorter, centerCrop and interpolation"},
        };
        for (String[] c : cases) {
            Path dir = tinyCnnWith(c[0]);
            assertThatThrownBy(() -> ManifestReader.read(dir)).as(c[0]).isInstanceOf(ModelException.class)
                    .hasMessageContaining("model.json").hasMessageContaining(c[1]);
        }
    }
}
