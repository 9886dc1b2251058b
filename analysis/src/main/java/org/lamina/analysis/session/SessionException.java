package org.lamina.analysis.session;

/** A session file that cannot be read (corrupt, newer version) or replayed, with the reason. */
public class SessionException extends RuntimeException {

    public SessionException(String message) {
        super(message);
    }

    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
