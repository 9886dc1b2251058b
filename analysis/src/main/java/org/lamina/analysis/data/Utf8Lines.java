package org.lamina.analysis.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a text file that must be UTF-8 (CSV files, rule files), decoding strictly: a file saved
 * in Latin-1 or Windows-1252 (an "é" written as the single byte 0xE9) is refused with the byte,
 * its line and column instead of turning into replacement characters or a bare "Input length = 1"
 * from the JDK. A leading byte-order mark is dropped, as spreadsheet programs write one.
 */
public final class Utf8Lines {

    private Utf8Lines() {
    }

    /** The whole file as a string. */
    public static String readString(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": cannot read: permission denied", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** {@code bytes} read from {@code location} (named in errors) as a string, decoded as {@link #readString}. */
    public static String decode(byte[] bytes, String location) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            throw new DataException(location + ": not UTF-8 (" + describe(bytes, in.position()) + "); save the file as UTF-8");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The file's lines, without line terminators ({@code \n}, {@code \r\n} or {@code \r}). */
    public static List<String> read(Path file) {
        return readString(file).lines().toList();
    }

    /** "byte 0xE9 at line 3, column 5" for the first byte that is not UTF-8. */
    static String describe(byte[] bytes, int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < at; i++) {
            // Count characters, not bytes: skip UTF-8 continuation bytes.
            if ((bytes[i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return String.format("byte 0x%02X at line %d, column %d", bytes[at] & 0xff, line, column);
    }
}
