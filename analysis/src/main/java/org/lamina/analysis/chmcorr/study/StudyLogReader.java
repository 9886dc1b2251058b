package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link StudySessionLog}s so that a study cannot be miscounted.
 *
 * <p>Lines ({@link #read}): the writer appends one JSON object per line, each starting with
 * {@code {"seq":}, forced to disk before the app goes on. A crash can leave only the event being
 * written torn, and the writer, on resume, ends that line and appends a {@code session-resume}.
 * So an unreadable line that starts like an event and is the last line or directly followed by a
 * {@code session-resume} is a <b>torn write</b>: it is reported (its line numbers, in
 * {@link Events#tornLineNumbers()}) and its event is not counted — a warning, because crash-safe
 * logs can end torn. Any other unreadable line is <b>garbage</b> (an edit, a mixed-up file) and
 * the log is refused, naming every such line: it is never skipped in silence.
 *
 * <p>Content ({@link #check}): a log must belong to the protocol it is summarised with (every
 * session-start/resume records {@link #PROTOCOL_HASH}, the protocol's {@link StudyProtocol#sha256()}),
 * under one of its conditions; every event needs an ISO-8601 {@code time}; trials must be the
 * protocol's; a final decision needs {@code accept} true or false and a {@code confidence} of 1–5.
 * A log given twice, or two logs of one participant (resumes append to the participant's one
 * log, so a second file is a copy or a mix-up), is refused rather than counted twice. Every error
 * names the file and the line.
 */
public final class StudyLogReader {

    /** Field of session-start/resume events holding the protocol's SHA-256. */
    public static final String PROTOCOL_HASH = "protocolSha256";

    /**
     * The events of one log.
     *
     * @param file            the log
     * @param participant     its participant
     * @param events          the events in file order
     * @param lines           the 1-based line number of each event
     * @param tornLineNumbers lines torn by a crash (not counted), in order
     */
    public record Events(Path file, String participant, List<JsonNode> events, List<Integer> lines,
                         List<Integer> tornLineNumbers) {
        public Events {
            events = List.copyOf(events);
            lines = List.copyOf(lines);
            tornLineNumbers = List.copyOf(tornLineNumbers);
        }

        /** How many torn lines were not counted. */
        public int tornLines() {
            return tornLineNumbers.size();
        }

        /** {@code FILE line N} for the event at {@code index}. */
        String at(int index) {
            return file + " line " + lines.get(index);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENT_START = "{\"seq\":";
    private static final Set<String> TRIAL_EVENTS = Set.of("trial-shown", "edit", "re-decision", "final-decision");

    private StudyLogReader() {
    }

    /** Reads one log's lines: refuses garbage, reports torn writes; no check against a protocol. */
    public static Events read(Path file) {
        String text;
        try {
            // Decoded leniently: a write torn inside a multi-byte character must not hide the rest of the log.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StudyException("cannot read study log " + file + ": " + e.getMessage(), e);
        }
        String[] raw = text.split("\n", -1);
        List<JsonNode> events = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<Integer> unreadable = new ArrayList<>();
        List<JsonNode> parsed = new ArrayList<>();
        for (String l : raw) {
            parsed.add(parse(l));
        }
        List<Integer> torn = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i];
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = parsed.get(i);
            if (n != null) {
                events.add(n);
                lines.add(i + 1);
                continue;
            }
            int next = i + 1;
            while (next < raw.length && raw[next].isBlank()) {
                next++;
            }
            boolean last = next >= raw.length;
            boolean beforeResume = !last && parsed.get(next) != null
                    && "session-resume".equals(parsed.get(next).path("event").asText());
            if (l.startsWith(EVENT_START) && (last || beforeResume)) {
                torn.add(i + 1);
            } else {
                unreadable.add(i + 1);
            }
        }
        if (!unreadable.isEmpty()) {
            int first = unreadable.get(0);
            String sample = raw[first - 1].length() > 40 ? raw[first - 1].substring(0, 40) + "…" : raw[first - 1];
            throw new StudyException(file + ": " + unreadable.size() + (unreadable.size() == 1 ? " line is" : " lines are")
                    + " not a study event (line" + (unreadable.size() == 1 ? " " : "s ") + join(unreadable) + "; line " + first
                    + " reads '" + sample + "'). Only a write torn by a crash (the last line, or the line before a "
                    + "session-resume) may be incomplete; refusing to count a log with other unreadable lines");
        }
        if (events.isEmpty() || !StudySessionLog.FORMAT.equals(events.get(0).path("format").asText())) {
            throw new StudyException(file + ": not a Lamina study log (no '" + StudySessionLog.FORMAT + "' header line)");
        }
        return new Events(file, events.get(0).path("participant").asText(), events, lines, torn);
    }

    /** Reads and checks the logs of a study against {@code protocol} ({@link #check}). */
    public static List<Events> readAll(List<Path> files, StudyProtocol protocol) {
        List<Events> out = new ArrayList<>();
        for (Path f : files) {
            out.add(read(f));
        }
        check(out, protocol);
        return out;
    }

    /** Refuses logs that do not belong to {@code protocol}, hold invalid events, or would be counted twice. */
    public static void check(List<Events> logs, StudyProtocol protocol) {
        Map<String, Path> byParticipant = new HashMap<>();
        List<Path> seen = new ArrayList<>();
        for (Events log : logs) {
            for (Path other : seen) {
                if (same(other, log.file())) {
                    throw new StudyException(log.file() + ": this log is given twice (also as " + other
                            + "); each log counts once, so give it once");
                }
            }
            seen.add(log.file());
            Path previous = byParticipant.putIfAbsent(log.participant(), log.file());
            if (previous != null) {
                throw new StudyException(log.file() + " line " + log.lines().get(0) + ": participant '" + log.participant()
                        + "' also has the log " + previous + "; a participant's sessions are all in one log (a resume "
                        + "appends to it), so a second file is a copy or a mix-up and would be counted twice");
            }
            check(log, protocol);
        }
    }

    /** Checks one log's events against {@code protocol}; errors name the file and line. */
    public static void check(Events log, StudyProtocol protocol) {
        String expectedHash = protocol.sha256();
        String condition = null;
        for (int i = 0; i < log.events().size(); i++) {
            JsonNode e = log.events().get(i);
            String event = e.path("event").asText();
            Instant time = null;
            try {
                time = Instant.parse(e.path("time").asText(""));
            } catch (DateTimeParseException ex) {
                // reported below
            }
            if (time == null) {
                throw new StudyException(log.at(i) + ": bad timestamp " + e.get("time")
                        + " (expected an ISO-8601 instant such as 2026-01-31T14:05:00Z)");
            }
            if (event.equals("session-start") || event.equals("session-resume")) {
                JsonNode h = e.get(PROTOCOL_HASH);
                if (h == null || !h.isTextual()) {
                    throw new StudyException(log.at(i) + ": the " + event + " event does not record which protocol the log "
                            + "belongs to (no '" + PROTOCOL_HASH + "'; written by an older Lamina?); refusing to count it "
                            + "against this protocol");
                }
                if (!h.asText().equals(expectedHash)) {
                    throw new StudyException(log.at(i) + ": log of another protocol (its " + PROTOCOL_HASH + " is "
                            + h.asText() + ", this protocol's is " + expectedHash + ")");
                }
                JsonNode c = e.get("condition");
                if (c == null || !c.isTextual() || !protocol.conditions().contains(c.asText())) {
                    throw new StudyException(log.at(i) + ": unknown condition " + c + " (the protocol's conditions are "
                            + protocol.conditions() + ")");
                }
                if (condition != null && !condition.equals(c.asText())) {
                    throw new StudyException(log.at(i) + ": condition '" + c.asText() + "' but the session started as '"
                            + condition + "'; a participant's log has one condition");
                }
                condition = c.asText();
            } else if (TRIAL_EVENTS.contains(event)) {
                JsonNode t = e.get("trial");
                if (t == null || !t.isIntegralNumber() || t.asInt() < 0 || t.asInt() >= protocol.trials().size()) {
                    throw new StudyException(log.at(i) + ": " + event + " of trial " + t + ", but the protocol has trials 0 … "
                            + (protocol.trials().size() - 1));
                }
                if (event.equals("final-decision")) {
                    JsonNode a = e.get("accept");
                    if (a == null || !a.isBoolean()) {
                        throw new StudyException(log.at(i) + ": 'accept' must be true or false, found " + a);
                    }
                    JsonNode c = e.get("confidence");
                    if (c == null || !c.isIntegralNumber() || c.asInt() < 1 || c.asInt() > 5) {
                        throw new StudyException(log.at(i) + ": 'confidence' must be a whole number from 1 to 5, found " + c);
                    }
                }
            }
        }
    }

    private static JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static String join(List<Integer> lines) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < lines.size() && i < 20; i++) {
            s.add(String.valueOf(lines.get(i)));
        }
        return String.join(", ", s) + (lines.size() > 20 ? ", …" : "");
    }
}
