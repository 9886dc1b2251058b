package org.lamina.analysis.job;

/**
 * Observes a job. Called on the job's worker thread; a UI hops to its own thread itself.
 */
public interface JobListener {

    /** Progress changed: {@code fraction} in [0, 1], or -1 while the amount of work is unknown. */
    default void progress(double fraction) {
    }

    /** The job's status message changed. */
    default void message(String text) {
    }

    /** The job changed state; {@code error} is set for {@link JobState#FAILED}. */
    default void state(JobState state, Throwable error) {
    }
}
