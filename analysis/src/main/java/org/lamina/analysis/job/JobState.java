package org.lamina.analysis.job;

/** Life cycle of a submitted job. */
public enum JobState {
    WAITING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the job has stopped for good. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
