package org.lamina.analysis.job;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job submitted to a {@link JobRunner}: its progress, its result, and the way to cancel it.
 * The {@link #result()} future completes only once the job has really stopped (so a cancelled
 * job has already cleaned up when the future reports the cancellation).
 *
 * @param <R> the result
 */
public final class JobHandle<R> implements ProgressSink {

    private final String title;
    private final JobListener listener;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final AtomicLong total = new AtomicLong(-1);
    private final AtomicLong done = new AtomicLong();
    private volatile boolean cancelRequested;
    private volatile String message = "";
    private volatile JobState state = JobState.WAITING;

    JobHandle(String title, JobListener listener) {
        this.title = Objects.requireNonNull(title, "title");
        this.listener = listener == null ? new JobListener() { } : listener;
    }

    /** The title shown to the user. */
    public String title() {
        return title;
    }

    /**
     * The result; completes exceptionally with {@link java.util.concurrent.CancellationException}
     * when the job was cancelled, or with the job's exception when it failed.
     */
    public CompletableFuture<R> result() {
        return result;
    }

    /** Asks the job to stop at its next cancellation check. Idempotent. */
    public void cancel() {
        cancelRequested = true;
    }

    /** Current state. */
    public JobState state() {
        return state;
    }

    /** Progress in [0, 1], or -1 while unknown. */
    public double progress() {
        long t = total.get();
        return t <= 0 ? -1 : Math.min(1.0, (double) done.get() / t);
    }

    /** The last status message. */
    public String message() {
        return message;
    }

    @Override
    public void begin(long units) {
        total.set(units);
        done.set(0);
        listener.progress(progress());
    }

    @Override
    public void advance(long units) {
        done.addAndGet(units);
        listener.progress(progress());
    }

    @Override
    public void message(String text) {
        message = text == null ? "" : text;
        listener.message(message);
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested || Thread.currentThread().isInterrupted();
    }

    void run(Job<R> job) {
        if (cancelRequested) {
            finish(JobState.CANCELLED, null);
            result.completeExceptionally(new JobCancelledException());
            return;
        }
        setState(JobState.RUNNING, null);
        try {
            R value = job.run(this);
            if (cancelRequested) {
                // The job finished its last batch after the request: honour the cancel, drop the value.
                finish(JobState.CANCELLED, null);
                result.completeExceptionally(new JobCancelledException());
            } else {
                finish(JobState.SUCCEEDED, null);
                result.complete(value);
            }
        } catch (JobCancelledException e) {
            finish(JobState.CANCELLED, null);
            result.completeExceptionally(e);
        } catch (Throwable e) {
            if (cancelRequested) {
                finish(JobState.CANCELLED, null);
                result.completeExceptionally(new JobCancelledException());
            } else {
                finish(JobState.FAILED, e);
                result.completeExceptionally(e);
            }
        }
    }

    private void finish(JobState s, Throwable error) {
        if (s == JobState.SUCCEEDED) {
            done.set(Math.max(total.get(), 1));
            total.compareAndSet(-1, 1);
            listener.progress(1.0);
        }
        setState(s, error);
    }

    private void setState(JobState s, Throwable error) {
        state = s;
        listener.state(s, error);
    }
}
