package org.lamina.analysis.data;

import org.lamina.analysis.provenance.Sha256;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A text data set for language models (issue #18): a {@code .txt} file with one item per line,
 * or a {@code .csv} file with columns {@code text,label} (a header row {@code text,label} is
 * optional; RFC 4180 quoting: a field in double quotes may hold commas, line breaks and
 * {@code ""} for a quote). Files must be UTF-8 ({@link Utf8Lines}, a byte-order mark is dropped).
 * Blank lines are skipped. Every fault names the file and the line (of the row's start).
 *
 * @param file     the file read
 * @param items    the items in file order
 * @param identity SHA-256 of the file's bytes: the content identity caches and sessions key on
 */
public record TextDataset(Path file, List<Item> items, String identity) {

    /**
     * One item.
     *
     * @param text  the text (never blank)
     * @param label its label, absent in a {@code .txt} file
     * @param line  the line of the file it starts on (1-based)
     */
    public record Item(String text, Optional<String> label, int line) {
    }

    public TextDataset {
        items = List.copyOf(items);
    }

    /** Reads a {@code .txt} or {@code .csv} file (by its extension). */
    public static TextDataset read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Item> items;
        if (name.endsWith(".txt")) {
            items = readLines(file);
        } else if (name.endsWith(".csv")) {
            items = readCsv(file);
        } else {
            throw new DataException(file + ": a text data set is a .txt file (one item per line) or a .csv file "
                    + "(columns text,label)");
        }
        if (items.isEmpty()) {
            throw new DataException(file + ": no items (the file is empty or has only blank lines)");
        }
        return new TextDataset(file, items, Sha256.of(file));
    }

    /** Number of items. */
    public int size() {
        return items.size();
    }

    /** The texts in file order. */
    public List<String> texts() {
        return items.stream().map(Item::text).toList();
    }

    /** The distinct labels in order of first appearance (empty for a {@code .txt} file). */
    public List<String> labels() {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        items.forEach(i -> i.label().ifPresent(seen::add));
        return List.copyOf(seen);
    }

    private static List<Item> readLines(Path file) {
        List<String> lines = Utf8Lines.read(file);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                items.add(new Item(lines.get(i), Optional.empty(), i + 1));
            }
        }
        return items;
    }

    private static List<Item> readCsv(Path file) {
        String text = Utf8Lines.readString(file);
        List<Item> items = new ArrayList<>();
        int line = 1;
        int pos = 0;
        boolean first = true;
        while (pos < text.length()) {
            int rowLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            boolean endOfRow = false;
            while (pos < text.length() && !endOfRow) {
                char c = text.charAt(pos++);
                if (quoted) {
                    if (c == '"') {
                        if (pos < text.length() && text.charAt(pos) == '"') {
                            field.append('"');
                            pos++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                } else if (c == '"') {
                    if (field.length() > 0 || wasQuoted) {
                        throw new DataException(file + ": line " + line + ": a quote inside an unquoted field; "
                                + "quote the whole field and write a quote as \"\"");
                    }
                    quoted = true;
                    wasQuoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
                        pos++;
                    }
                    line++;
                    endOfRow = true;
                } else {
                    if (wasQuoted) {
                        throw new DataException(file + ": line " + line + ": text after a closing quote; "
                                + "write a quote inside a quoted field as \"\"");
                    }
                    field.append(c);
                }
            }
            if (quoted) {
                throw new DataException(file + ": line " + rowLine + ": a quoted field is not closed before the end of the file");
            }
            fields.add(field.toString());
            if (fields.size() == 1 && fields.get(0).isBlank() && !wasQuoted) {
                continue;
            }
            boolean header = first && fields.size() == 2 && fields.get(0).strip().equalsIgnoreCase("text")
                    && fields.get(1).strip().equalsIgnoreCase("label");
            first = false;
            if (header) {
                continue;
            }
            if (fields.size() != 2) {
                throw new DataException(file + ": line " + rowLine + ": expected 2 fields text,label but found "
                        + fields.size() + " (quote a text that holds a comma)");
            }
            if (fields.get(0).isBlank()) {
                throw new DataException(file + ": line " + rowLine + ": the text is empty");
            }
            String label = fields.get(1).strip();
            if (label.isEmpty()) {
                throw new DataException(file + ": line " + rowLine + ": the label is empty");
            }
            items.add(new Item(fields.get(0), Optional.of(label), rowLine));
        }
        return items;
    }
}
