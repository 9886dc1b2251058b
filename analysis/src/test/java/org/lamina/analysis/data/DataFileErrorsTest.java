package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.chmcorr.MaskCsv;
import org.lamina.analysis.conceptdepth.ConceptSets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad value in a data file is reported with the file, the line as counted in the file (header
 * and blank lines included), the field and the value as written; a file that is not UTF-8 says so
 * with the byte and where it is; a number too large for its type is named, not wrapped or thrown
 * as a bare NumberFormatException.
 */
class DataFileErrorsTest {

    private static final long[] IMAGE = {1, 28, 28};

    @TempDir
    Path temp;

    /** A 60-line concept CSV of indices (header, a blank line at 10, rows), with {@code bad} on line 40. */
    private Path conceptCsv(String name, String bad) throws IOException {
        StringBuilder s = new StringBuilder("path_or_index,label\n");
        for (int line = 2; line <= 60; line++) {
            if (line == 10) {
                s.append('\n');
            } else if (line == 40) {
                s.append(bad).append('\n');
            } else {
                s.append(line).append(',').append(line % 2).append('\n');
            }
        }
        return Files.writeString(temp.resolve(name), s);
    }

    @Test
    void aBadIndexOnLine40IsReportedAtLine40() throws IOException {
        Path csv = conceptCsv("outside.csv", "5000,1");
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), "sample:fashion-test", IMAGE))
                .hasMessageContaining("outside.csv: line 40").hasMessageContaining("5000");
    }

    @Test
    void anIndexTooLargeForAnIntIsNamedWithItsLine() throws IOException {
        Path csv = conceptCsv("huge.csv", "99999999999,1");
        assertThatThrownBy(() -> ConceptSets.open(csv.toString(), "sample:fashion-test", IMAGE))
                .isInstanceOf(RuntimeException.class).isNotInstanceOf(NumberFormatException.class)
                .hasMessageContaining("huge.csv: line 40").hasMessageContaining("99999999999");
    }

    @Test
    void aFileThatIsNotUtf8NamesTheEncodingTheByteAndTheLine() throws IOException {
        byte[] latin1 = "path_or_index,label,group\n1,1,shoes\n2,0,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Path csv = Files.write(temp.resolve("latin1.csv"), latin1);
        assertThatThrownBy(() -> ConceptSetCsv.read(csv)).isInstanceOf(DataException.class)
                .hasMessageContaining("latin1.csv").hasMessageContaining("not UTF-8").hasMessageContaining("0xE9")
                .hasMessageContaining("line 3");
        Path mask = Files.write(temp.resolve("mask.csv"), "1,0\n0,1\n# \u00e9t\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> MaskCsv.read(mask, 2)).isInstanceOf(DataException.class)
                .hasMessageContaining("mask.csv").hasMessageContaining("not UTF-8").hasMessageContaining("0xE9")
                .hasMessageContaining("line 3");
        Path rules = Files.write(temp.resolve("rules.json"),
                "{\"dataset\": \"sample:fashion-test\",\n \"name\": \"v\u00eatements\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConceptSets.open(rules.toString(), null, IMAGE))
                .hasMessageContaining("rules.json").hasMessageContaining("not UTF-8").hasMessageContaining("0xEA")
                .hasMessageContaining("line 2");
    }

    @Test
    void ruleFileNumbersOfTheWrongKindAreNamed() throws IOException {
        Path seed = Files.writeString(temp.resolve("seed.json"), "{\"dataset\": \"sample:fashion-test\", \"seed\": \"seven\","
                + " \"concepts\": [{\"name\": \"shoes\", \"rule\": \"classes\", \"positive\": [5, 7, 9]}]}");
        assertThatThrownBy(() -> ConceptSets.open(seed.toString(), null, IMAGE))
                .hasMessageContaining("seed.json").hasMessageContaining("'seed'").hasMessageContaining("seven");
        Path big = Files.writeString(temp.resolve("big.json"), "{\"dataset\": \"sample:fashion-test\", \"seed\": 1e30,"
                + " \"concepts\": [{\"name\": \"shoes\", \"rule\": \"classes\", \"positive\": [5, 7, 9]}]}");
        assertThatThrownBy(() -> ConceptSets.open(big.toString(), null, IMAGE))
                .hasMessageContaining("big.json").hasMessageContaining("'seed'").hasMessageContaining("1.0E30");
        Path fraction = Files.writeString(temp.resolve("fraction.json"), "{\"dataset\": \"sample:fashion-test\","
                + " \"concepts\": [{\"name\": \"shoes\", \"rule\": \"classes\", \"positive\": [5, 7.5, 9]}]}");
        assertThatThrownBy(() -> ConceptSets.open(fraction.toString(), null, IMAGE))
                .hasMessageContaining("fraction.json").hasMessageContaining("7.5");
    }

    private Path idxHeader(String name, int magic, long... dims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (long d : dims) {
                out.writeInt((int) d);
            }
            out.write(new byte[16]);
        }
        return Files.write(temp.resolve(name), bytes.toByteArray());
    }

    @Test
    void idxHeadersWithAbsurdDimensionsNameTheRealValues() throws IOException {
        // 65536^4 = 2^64 values: a product in 64 bits wraps to 0 and the file would read as empty.
        Path wraps = idxHeader("wraps-idx4-ubyte", 0x804, 65536, 65536, 65536, 65536);
        assertThatThrownBy(() -> IdxFile.read(wraps)).isInstanceOf(DataException.class)
                .hasMessageContaining("wraps-idx4-ubyte").hasMessageContaining("18446744073709551616");
        // Sizes are unsigned: 0xFFFFFFFF is 4294967295, not -1.
        Path unsigned = idxHeader("unsigned-idx1-ubyte", 0x801, 0xFFFFFFFFL);
        assertThatThrownBy(() -> IdxFile.read(unsigned)).isInstanceOf(DataException.class)
                .hasMessageContaining("4294967295");
        // Plausible sizes but a short file: the announced and the real count, without allocating the announced size.
        Path shortFile = idxHeader("short-idx3-ubyte", 0x803, 1000, 28, 28);
        assertThatThrownBy(() -> IdxFile.read(shortFile)).isInstanceOf(DataException.class)
                .hasMessageContaining("784000").hasMessageContaining("only 16");
    }
}
