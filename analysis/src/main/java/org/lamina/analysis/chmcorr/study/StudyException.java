package org.lamina.analysis.chmcorr.study;

/** Bad study input (protocol, log file); the message names the file and what was wrong. */
public final class StudyException extends RuntimeException {

    public StudyException(String message) {
        super(message);
    }

    public StudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
