package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One participant's append-only JSONL log (spec "Log every event … flushed on every event").
 * Each event is one line, written with a single {@code write} on a channel opened in APPEND mode
 * (never TRUNCATE) and then {@link FileChannel#force(boolean) forced} to the disk before
 * {@link #append} returns: a killed app loses at most the event being written. The first line
 * is a {@code session-start} header naming {@link #FORMAT} and the participant; a file whose
 * first line is not that header is not ours and is refused. Reopening appends a
 * {@code session-resume} event; a torn last line (a crash mid-write) is left as it is and
 * closed with a newline, never rewritten.
 */
public final class StudySessionLog implements AutoCloseable {

    public static final String FORMAT = "lamina-chmcorr-study-log/1";
    /** Pseudonymous ids only: letters, digits, dash, underscore (no names, no e-mail addresses). */
    public static final Pattern PARTICIPANT_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final String participant;
    private final FileChannel channel;
    private final Clock clock;
    private long sequence;

    private StudySessionLog(Path file, String participant, FileChannel channel, Clock clock, long sequence) {
        this.file = file;
        this.participant = participant;
        this.channel = channel;
        this.clock = clock;
        this.sequence = sequence;
    }

    /**
     * Opens (or creates) the log of {@code participant}.
     *
     * @param header extra fields of the session-start/resume event (condition, protocol, …)
     * @throws StudyException when the file exists but is not this participant's Lamina study log
     */
    public static StudySessionLog open(Path file, String participant, Map<String, ?> header) {
        return open(file, participant, header, Clock.systemUTC());
    }

    static StudySessionLog open(Path file, String participant, Map<String, ?> header, Clock clock) {
        if (!PARTICIPANT_ID.matcher(participant).matches()) {
            throw new StudyException("participant id '" + participant + "' must be a pseudonym of 1–40 letters, digits, "
                    + "'-' or '_'");
        }
        try {
            boolean exists = Files.exists(file) && Files.size(file) > 0;
            long lines = 0;
            boolean tornTail = false;
            if (exists) {
                JsonNode first = firstLine(file);
                if (first == null || !FORMAT.equals(first.path("format").asText()) || !"session-start".equals(first.path("event").asText())) {
                    throw new StudyException(file + ": not a Lamina study log (first line is not a '" + FORMAT
                            + "' session-start event); refusing to append to it");
                }
                if (!participant.equals(first.path("participant").asText())) {
                    throw new StudyException(file + ": log of participant '" + first.path("participant").asText()
                            + "', not '" + participant + "'; refusing to append to it");
                }
                lines = countLines(file);
                tornTail = lastByte(file) != '\n';
            }
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            StudySessionLog log = new StudySessionLog(file, participant, ch, clock, lines);
            if (tornTail) {
                // The torn line stays as evidence of the crash; the newline keeps the next event on its own line.
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
            ObjectNode h = MAPPER.valueToTree(header);
            if (!exists) {
                h.put("format", FORMAT);
            }
            log.append(exists ? "session-resume" : "session-start", h);
            return log;
        } catch (IOException e) {
            throw new StudyException("cannot open study log " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public String participant() {
        return participant;
    }

    /**
     * Appends one event and forces it to disk before returning.
     *
     * @param event  e.g. {@code trial-shown}, {@code edit}, {@code re-decision}, {@code final-decision}
     * @param fields the event's data (a map or record, serialised as a JSON object)
     */
    public synchronized void append(String event, Object fields) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("seq", sequence);
        line.put("time", clock.instant().toString());
        line.put("event", event);
        line.put("participant", participant);
        if (fields != null) {
            JsonNode f = MAPPER.valueToTree(fields);
            if (!f.isObject()) {
                throw new IllegalArgumentException("event fields must be an object, got " + f.getNodeType());
            }
            f.fields().forEachRemaining(e -> {
                if (!line.has(e.getKey())) {
                    line.set(e.getKey(), e.getValue());
                }
            });
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap((MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
            sequence++;
        } catch (IOException e) {
            throw new StudyException("cannot append to study log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StudyException("cannot close study log " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode firstLine(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String l = r.readLine();
            return l == null ? null : MAPPER.readTree(l);
        } catch (com.fasterxml.jackson.core.JacksonException | java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }

    private static int lastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(f.length() - 1);
            return f.read();
        }
    }
}
