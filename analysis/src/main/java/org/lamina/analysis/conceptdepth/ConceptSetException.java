package org.lamina.analysis.conceptdepth;

/** A concept set that cannot be used: the message names the file, concept or field and what was expected (bad input, hence an IllegalArgumentException: the CLI exits with code 2). */
public final class ConceptSetException extends IllegalArgumentException {

    public ConceptSetException(String message) {
        super(message);
    }

    public ConceptSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
