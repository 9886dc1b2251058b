package org.lamina.analysis.job;

/**
 * A unit of analysis work that may take a while. It reports through the sink, checks
 * {@link ProgressSink#checkCancelled()} between batches, and releases everything it opened
 * (NDManager scopes, temporary files) whether it finishes, fails or is cancelled.
 *
 * @param <R> the result
 */
@FunctionalInterface
public interface Job<R> {

    /** Does the work; throws {@link JobCancelledException} when cancelled. */
    R run(ProgressSink progress) throws Exception;
}
