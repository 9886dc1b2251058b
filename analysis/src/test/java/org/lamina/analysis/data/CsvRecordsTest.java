package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 4180 quoting in concept-set CSVs (issue #19): texts hold commas, quotes and line breaks. */
class CsvRecordsTest {

    @TempDir
    Path temp;

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() throws IOException {
        Path f = Files.writeString(temp.resolve("t.csv"), "text,label,group\r\n"
                + "\"Lagos, the city, is in Nigeria.\",1,fact\r\n"
                + "\"He said \"\"no\"\".\",0,fact\n"
                + "\"two\nlines\",1,\n"
                + "  plain text  ,0,fact\n"
                + "\n");
        ConceptSetCsv.Table t = ConceptSetCsv.readTable(f);
        assertThat(t.itemHeader()).contains("text");
        assertThat(t.rows()).containsExactly(
                new ConceptSetCsv.Row("Lagos, the city, is in Nigeria.", 1, "fact", 2),
                new ConceptSetCsv.Row("He said \"no\".", 0, "fact", 3),
                new ConceptSetCsv.Row("two\nlines", 1, "", 4),
                new ConceptSetCsv.Row("plain text", 0, "fact", 6));
    }

    @Test
    void existingUnquotedImageFilesReadAsBefore() throws IOException {
        Path f = Files.writeString(temp.resolve("i.csv"), "path_or_index,label,group\n12,1,shoes\n 13 , 0 ,\n");
        assertThat(ConceptSetCsv.read(f)).containsExactly(new ConceptSetCsv.Row("12", 1, "shoes", 2),
                new ConceptSetCsv.Row("13", 0, "", 3));
    }

    @Test
    void faultsNameFileLineAndColumn() throws IOException {
        Path open = Files.writeString(temp.resolve("open.csv"), "text,label\n\"never closed,1\nx,0\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(open)).isInstanceOf(DataException.class)
                .hasMessageContaining("open.csv: line 2, column 1: a quoted field is not closed");
        Path inner = Files.writeString(temp.resolve("inner.csv"), "text,label\nsays \"hi\",1\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(inner)).isInstanceOf(DataException.class)
                .hasMessageContaining("inner.csv: line 2, column 6: a quote inside an unquoted field");
        Path after = Files.writeString(temp.resolve("after.csv"), "text,label\n\"a\"b,1\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(after)).isInstanceOf(DataException.class)
                .hasMessageContaining("after.csv: line 2, column 4: text after a closing quote");
        Path commas = Files.writeString(temp.resolve("commas.csv"), "text,label\nLagos, Lagos State, Nigeria,1\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(commas)).isInstanceOf(DataException.class)
                .hasMessageContaining("commas.csv: line 2: expected 2 or 3 comma-separated columns, got 4")
                .hasMessageContaining("double quotes");
        Path two = Files.writeString(temp.resolve("two.csv"), "text,label\nLagos, Nigeria,1\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(two)).isInstanceOf(DataException.class)
                .hasMessageContaining("two.csv: line 2, column label: expected 0 or 1, got ' Nigeria'")
                .hasMessageContaining("double quotes");
        Path label = Files.writeString(temp.resolve("label.csv"), "text,label\n\"a, b\",yes\n");
        assertThatThrownBy(() -> ConceptSetCsv.read(label)).isInstanceOf(DataException.class)
                .hasMessageContaining("label.csv: line 2, column label: expected 0 or 1, got 'yes'");
    }

    @Test
    void recordsCountLinesInsideQuotedFields() {
        List<CsvRecords.Record> r = CsvRecords.parse("\"a\nb\nc\",1\nd,0\n", "s");
        assertThat(r).extracting(CsvRecords.Record::line).containsExactly(1, 4);
    }
}
