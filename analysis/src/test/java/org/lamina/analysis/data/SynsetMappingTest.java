package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ImageNet's layout: WordNet-id class folders matched to the model's labels ({@link SynsetMapping}). */
class SynsetMappingTest {

    /** Four lines of ILSVRC's LOC_synset_mapping.txt, with its two "crane"s. */
    private static final String SYNSETS = """
            n01440764 tench, Tinca tinca
            n02012849 crane
            n02086240 Shih-Tzu
            n03126707 crane
            """;
    /** The labels torchvision's ImageNet models carry, in the same (class-index) order. */
    private static final List<String> LABELS = List.of("tench", "crane", "Shih-Tzu", "crane");

    @TempDir
    Path temp;

    private Path folder(String... wnids) throws IOException {
        Path val = temp.resolve("imagenet").resolve("val");
        for (String w : wnids) {
            Files.createDirectories(val.resolve(w));
            ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", val.resolve(w).resolve("x.png").toFile());
        }
        return val;
    }

    @Test
    void foldersAreMatchedThroughTheSynsetFileInTheParentFolder() throws IOException {
        Path val = folder("n01440764", "n02012849", "n02086240", "n03126707");
        Files.writeString(val.getParent().resolve(SynsetMapping.FILE_NAME), SYNSETS);
        ImageFolderDataset d = ImageFolderDataset.read(val, 3, 4, 4, LABELS, null);
        assertThat(d.labelMapping()).isEqualTo("synset:LOC_synset_mapping.txt");
        // Sorted folders: n01440764, n02012849, n02086240, n03126707; the two cranes go to their own classes
        // (1 and 3) by the synset's line position, not both to the first "crane".
        assertThat(d.labels()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aSynsetFileGivenAsLabelsIsUsedAndNamesTheFileInTheMapping() throws IOException {
        Path val = folder("n02086240", "n01440764");
        Path given = Files.writeString(temp.resolve("synsets.txt"), SYNSETS);
        // The synonym "Tinca tinca" matches too, and labels are compared ignoring case and '_'.
        ImageFolderDataset d = ImageFolderDataset.read(val, 3, 4, 4, List.of("tinca_tinca", "shih-tzu"), given);
        assertThat(d.labelMapping()).isEqualTo("synset:synsets.txt");
        assertThat(d.labels()).containsExactly(0, 1);
    }

    @Test
    void labelsThatCarryTheWordNetIdsNeedNoSynsetFile() throws IOException {
        Path val = folder("n01440764", "n02012849");
        ImageFolderDataset d = ImageFolderDataset.read(val, 3, 4, 4,
                List.of("n02012849 crane", "n01440764 tench, Tinca tinca"), null);
        assertThat(d.labelMapping()).isEqualTo(SynsetMapping.BY_WNID_LABEL);
        assertThat(d.labels()).containsExactly(1, 0);
    }

    @Test
    void anAmbiguousMatchIsRefusedNamingTheFolderAndTheLabels() throws IOException {
        Path val = folder("n02012849", "n03126707");
        Files.writeString(val.getParent().resolve(SynsetMapping.FILE_NAME), SYNSETS);
        // A model whose two "crane"s are not at the synsets' positions: nothing tells them apart.
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, List.of("crane", "crane", "tench", "Shih-Tzu"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("n03126707 (crane) matches labels [0 'crane', 1 'crane']")
                .hasMessageContaining("--labels map.csv");
    }

    @Test
    void twoFoldersOnOneClassAndUnmatchedSynsetsAreRefused() throws IOException {
        Path val = folder("n02012849", "n03126707");
        Files.writeString(val.getParent().resolve(SynsetMapping.FILE_NAME), SYNSETS);
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, List.of("tench", "crane"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("folders n02012849 and n03126707 both match label 1 'crane'");
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, List.of("tench", "goldfish"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("n02012849 (crane)")
                .hasMessageContaining("match none of the model's labels");
    }

    @Test
    void wordNetFoldersWithoutASynsetFileAskForOne() throws IOException {
        Path val = folder("n01440764");
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, List.of("tench"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("WordNet ids")
                .hasMessageContaining("LOC_synset_mapping.txt in the folder or its parent");
        Files.writeString(val.getParent().resolve(SynsetMapping.FILE_NAME), "n01440764 tench\nn0144 broken\n");
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, List.of("tench"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("LOC_synset_mapping.txt: line 2")
                .hasMessageContaining("expected 'nXXXXXXXX description'");
    }

    @Test
    void aSynsetFileWithoutTheFoldersSynsetIsRefused() throws IOException {
        Path val = folder("n09999999");
        Files.writeString(val.getParent().resolve(SynsetMapping.FILE_NAME), SYNSETS);
        assertThatThrownBy(() -> ImageFolderDataset.read(val, 3, 4, 4, LABELS, null))
                .isInstanceOf(DataException.class).hasMessageContaining("has no line for the class folder(s) [n09999999]");
    }
}
