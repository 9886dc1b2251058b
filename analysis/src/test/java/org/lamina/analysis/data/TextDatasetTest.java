package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextDatasetTest {

    @TempDir
    Path temp;

    private Path write(String name, String content) throws IOException {
        Path f = temp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void txtIsOneItemPerLineSkippingBlankLines() throws IOException {
        TextDataset d = TextDataset.read(write("a.txt", "\uFEFFThe capital of France is\r\n\nParis is big\n"));
        assertThat(d.texts()).containsExactly("The capital of France is", "Paris is big");
        assertThat(d.items().get(1).line()).isEqualTo(3);
        assertThat(d.labels()).isEmpty();
        assertThat(d.identity()).hasSize(64);
    }

    @Test
    void csvWithHeaderQuotesAndUnicode() throws IOException {
        TextDataset d = TextDataset.read(write("a.csv",
                "text,label\n\"Paris, the capital\",true\n\"He said \"\"no\"\"\",false\n\"two\nlines\",true\nZürich is in Italy,false\n"));
        assertThat(d.texts()).containsExactly("Paris, the capital", "He said \"no\"", "two\nlines", "Zürich is in Italy");
        assertThat(d.items().get(0).label()).isEqualTo(Optional.of("true"));
        assertThat(d.items().get(3).line()).as("line of a row after a quoted line break").isEqualTo(6);
        assertThat(d.labels()).isEqualTo(List.of("true", "false"));
    }

    @Test
    void csvWithoutHeader() throws IOException {
        TextDataset d = TextDataset.read(write("b.csv", "Rome is in Italy,1\r\nBerlin is in Spain,0"));
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.items().get(1).label()).hasValue("0");
    }

    @Test
    void errorsNameTheFileAndLine() throws IOException {
        Path f = write("c.csv", "text,label\nok,1\nParis, France,1\n");
        assertThatThrownBy(() -> TextDataset.read(f)).isInstanceOf(DataException.class)
                .hasMessageContaining("c.csv").hasMessageContaining("line 3").hasMessageContaining("expected 2 fields");
        assertThatThrownBy(() -> TextDataset.read(write("d.csv", "a,1\n\"open,1\n"))).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("not closed");
        assertThatThrownBy(() -> TextDataset.read(write("e.csv", "a,1\nb,\n"))).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("label is empty");
        assertThatThrownBy(() -> TextDataset.read(write("f.csv", "a,1\nsay \"x\",1\n"))).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("quote");
        assertThatThrownBy(() -> TextDataset.read(write("g.txt", "\n  \n"))).isInstanceOf(DataException.class)
                .hasMessageContaining("g.txt").hasMessageContaining("no items");
        assertThatThrownBy(() -> TextDataset.read(write("h.json", "[]"))).isInstanceOf(DataException.class)
                .hasMessageContaining(".txt").hasMessageContaining(".csv");
        Path latin1 = temp.resolve("i.txt");
        Files.write(latin1, new byte[] {'o', 'k', '\n', 'Z', (byte) 0xFC, 'r', 'i', 'c', 'h'});
        assertThatThrownBy(() -> TextDataset.read(latin1)).isInstanceOf(DataException.class)
                .hasMessageContaining("not UTF-8").hasMessageContaining("line 2");
    }
}
