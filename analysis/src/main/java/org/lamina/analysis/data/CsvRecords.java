package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records of a CSV text: fields separated by commas, records by CRLF or LF (or a lone
 * CR); a field in double quotes may hold commas, line breaks and {@code ""} for one quote. A
 * quote inside an unquoted field, text after a closing quote and an unclosed quote are errors
 * that name the file, the line and the column (1-based, counted in the file). Blank records
 * (an empty line, not a quoted empty field) are dropped. Concept-set CSVs of sentences need this:
 * Cities or StrategyQA statements hold commas (issue #19).
 */
public final class CsvRecords {

    /**
     * One record.
     *
     * @param line   the line it starts on (1-based)
     * @param fields its fields, unquoted
     * @param quoted for each field, whether it was written in quotes (a quoted field is kept as
     *               written; callers may strip blanks around unquoted ones)
     */
    public record Record(int line, List<String> fields, boolean[] quoted) {
        public Record {
            fields = List.copyOf(fields);
            quoted = quoted.clone();
        }

        /** Field {@code i}, stripped of surrounding blanks unless it was quoted. */
        public String field(int i) {
            return quoted[i] ? fields.get(i) : fields.get(i).strip();
        }

        public int size() {
            return fields.size();
        }
    }

    private CsvRecords() {
    }

    /** Reads a UTF-8 file ({@link Utf8Lines#readString}) into records. */
    public static List<Record> read(Path file) {
        return parse(Utf8Lines.readString(file), file.toString());
    }

    /** Parses {@code text}; {@code source} names it in errors. */
    public static List<Record> parse(String text, String source) {
        List<Record> out = new ArrayList<>();
        int line = 1;
        int column = 1;
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int rowLine = line;
            List<String> fields = new ArrayList<>();
            List<Boolean> quotedFlags = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean inQuotes = false;
            boolean wasQuoted = false;
            int quoteLine = line;
            int quoteColumn = column;
            boolean end = false;
            while (pos < n && !end) {
                char c = text.charAt(pos++);
                if (inQuotes) {
                    if (c == '"') {
                        if (pos < n && text.charAt(pos) == '"') {
                            field.append('"');
                            pos++;
                            column += 2;
                        } else {
                            inQuotes = false;
                            column++;
                        }
                    } else {
                        field.append(c);
                        if (c == '\n' || (c == '\r' && !(pos < n && text.charAt(pos) == '\n'))) {
                            line++;
                            column = 1;
                        } else {
                            column++;
                        }
                    }
                } else if (c == '"') {
                    if (!field.toString().isBlank() || wasQuoted) {
                        throw new DataException(source + ": line " + line + ", column " + column
                                + ": a quote inside an unquoted field; quote the whole field and write a quote as \"\"");
                    }
                    field.setLength(0);
                    inQuotes = true;
                    wasQuoted = true;
                    quoteLine = line;
                    quoteColumn = column;
                    column++;
                } else if (c == ',') {
                    fields.add(field.toString());
                    quotedFlags.add(wasQuoted);
                    field.setLength(0);
                    wasQuoted = false;
                    column++;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && pos < n && text.charAt(pos) == '\n') {
                        pos++;
                    }
                    line++;
                    column = 1;
                    end = true;
                } else {
                    if (wasQuoted && !Character.isWhitespace(c)) {
                        throw new DataException(source + ": line " + line + ", column " + column
                                + ": text after a closing quote; write a quote inside a quoted field as \"\"");
                    }
                    if (!wasQuoted) {
                        field.append(c);
                    }
                    column++;
                }
            }
            if (inQuotes) {
                throw new DataException(source + ": line " + quoteLine + ", column " + quoteColumn
                        + ": a quoted field is not closed before the end of the file");
            }
            fields.add(field.toString());
            quotedFlags.add(wasQuoted);
            if (fields.size() == 1 && !wasQuoted && fields.get(0).isBlank()) {
                continue;
            }
            boolean[] q = new boolean[quotedFlags.size()];
            for (int i = 0; i < q.length; i++) {
                q[i] = quotedFlags.get(i);
            }
            out.add(new Record(rowLine, fields, q));
        }
        return out;
    }
}
