package org.lamina.analysis.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lamina.analysis.job.AtomicOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes {@code *.lamina.json}. Reading is all-or-nothing: the whole file is parsed and
 * validated before anything is returned, so a caller never applies half a session.
 */
public final class SessionFile {

    /** File name suffix. */
    public static final String SUFFIX = ".lamina.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SessionFile() {
    }

    /** Writes a session atomically. */
    public static Path write(Path file, SessionDocument session) {
        return AtomicOutput.write(file, tmp -> JSON.writeValue(tmp.toFile(), session));
    }

    /** Reads a session, or throws {@link SessionException} saying what is wrong with the file. */
    public static SessionDocument read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new SessionException(file + ": session file not found", e);
        } catch (JsonProcessingException e) {
            throw new SessionException(file + ": not a valid session file (corrupt JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        } catch (IOException e) {
            throw new SessionException(file + ": cannot read session file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SessionException(file + ": not a session file (expected a JSON object)");
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new SessionException(file + ": not a Lamina session (field 'formatVersion' missing)");
        }
        if (version.asInt() > SessionDocument.FORMAT_VERSION) {
            throw new SessionException(file + ": session format version " + version.asInt()
                    + " was written by a newer Lamina; this one reads up to version " + SessionDocument.FORMAT_VERSION
                    + ". Update Lamina to open it.");
        }
        if (version.asInt() < 1) {
            throw new SessionException(file + ": invalid session format version " + version.asInt());
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isObject() || !model.hasNonNull("path")) {
            throw new SessionException(file + ": field 'model.path' missing");
        }
        try {
            return JSON.treeToValue(root, SessionDocument.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SessionException(file + ": invalid session: " + originalMessage(e), e);
        }
    }

    private static String originalMessage(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
