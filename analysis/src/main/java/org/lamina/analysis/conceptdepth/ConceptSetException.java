package org.lamina.analysis.conceptdepth;

/** A concept set that cannot be used: the message names the file, concept or field and what was expected. */
public final class ConceptSetException extends RuntimeException {

    public ConceptSetException(String message) {
        super(message);
    }

    public ConceptSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
