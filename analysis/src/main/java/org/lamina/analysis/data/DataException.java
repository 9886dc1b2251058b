package org.lamina.analysis.data;

/** A data file cannot be read as expected; the message names the file and the problem. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
