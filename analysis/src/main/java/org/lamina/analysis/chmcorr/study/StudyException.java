package org.lamina.analysis.chmcorr.study;

/** Bad study input (protocol, log file); the message names the file and what was wrong (the CLI exits 2). */
public final class StudyException extends IllegalArgumentException {

    public StudyException(String message) {
        super(message);
    }

    public StudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
