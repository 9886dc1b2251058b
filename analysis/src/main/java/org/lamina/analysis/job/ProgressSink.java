package org.lamina.analysis.job;

/**
 * Where a running job reports progress and learns whether it was cancelled. Implementations
 * must be safe to call from the job's worker thread.
 */
public interface ProgressSink {

    /** Announces the amount of work ({@code total} units, e.g. batches); resets progress to 0. */
    void begin(long total);

    /** Marks {@code units} more units of work as done. */
    void advance(long units);

    /** A short human-readable status, e.g. {@code "batch 3 of 10"}. */
    void message(String text);

    /** Whether the job was asked to stop; a job checks this between batches. */
    boolean isCancelled();

    /** Throws {@link JobCancelledException} when the job was asked to stop. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new JobCancelledException();
        }
    }

    /** A sink that records nothing and is never cancelled (for direct, synchronous calls). */
    static ProgressSink none() {
        return cancelledWhen(() -> false);
    }

    /**
     * A sink that records nothing and is cancelled when {@code cancelled} says so (e.g. a Spark
     * task that was killed).
     */
    static ProgressSink cancelledWhen(java.util.function.BooleanSupplier cancelled) {
        return new ProgressSink() {
            @Override
            public void begin(long total) {
            }

            @Override
            public void advance(long units) {
            }

            @Override
            public void message(String text) {
            }

            @Override
            public boolean isCancelled() {
                return cancelled.getAsBoolean();
            }
        };
    }
}
