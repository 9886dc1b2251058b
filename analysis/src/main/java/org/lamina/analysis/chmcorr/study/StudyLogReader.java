package org.lamina.analysis.chmcorr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link StudySessionLog}. A line that does not parse is a torn write from a crash: it is
 * skipped (and counted) when a newline was added after it on resume or it is the last line; the
 * events around it are kept.
 */
public final class StudyLogReader {

    /** The events of one log, and how many torn lines were skipped. */
    public record Events(Path file, String participant, List<JsonNode> events, int tornLines) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StudyLogReader() {
    }

    public static Events read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StudyException("cannot read study log " + file + ": " + e.getMessage(), e);
        }
        List<JsonNode> events = new ArrayList<>();
        int torn = 0;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                events.add(MAPPER.readTree(l));
            } catch (IOException e) {
                torn++;
            }
        }
        if (events.isEmpty() || !StudySessionLog.FORMAT.equals(events.get(0).path("format").asText())) {
            throw new StudyException(file + ": not a Lamina study log (no '" + StudySessionLog.FORMAT + "' header line)");
        }
        return new Events(file, events.get(0).path("participant").asText(), events, torn);
    }
}
