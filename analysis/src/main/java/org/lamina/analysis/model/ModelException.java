package org.lamina.analysis.model;

/**
 * A model cannot be opened or run as asked. The message is meant for the user: it names the
 * file, field or probe point at fault and what was expected.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
