package org.lamina.analysis.job;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs on a small pool of daemon worker threads, so no caller (the JavaFX thread in
 * particular) ever computes. The pool is small on purpose: PyTorch already uses every core
 * inside one forward pass, so more parallel jobs would only compete for them.
 */
public final class JobRunner implements AutoCloseable {

    private final ExecutorService executor;

    /** A runner with {@code workers} worker threads (at least 1). */
    public JobRunner(int workers) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "lamina-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = Executors.newFixedThreadPool(Math.max(1, workers), threads);
    }

    /** A runner with two workers: one long analysis and one quick interactive job side by side. */
    public JobRunner() {
        this(2);
    }

    /** Submits a job. */
    public <R> JobHandle<R> submit(String title, Job<R> job) {
        return submit(title, job, null);
    }

    /** Submits a job whose progress {@code listener} observes (on the worker thread). */
    public <R> JobHandle<R> submit(String title, Job<R> job, JobListener listener) {
        JobHandle<R> handle = new JobHandle<>(title, listener);
        listener = listener == null ? new JobListener() { } : listener;
        listener.state(JobState.WAITING, null);
        executor.execute(() -> handle.run(job));
        return handle;
    }

    /** Stops accepting jobs and interrupts the running ones. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
