package org.lamina.app.shell;

import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;

import org.controlsfx.control.TaskProgressView;
import org.lamina.analysis.job.Job;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.job.JobListener;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.job.JobState;
import org.lamina.plugins.api.WorkbenchJobs;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The bottom of the window: running jobs in ControlsFX's {@link TaskProgressView} (title,
 * message, progress bar, cancel button) beside the log. Each job runs on the analysis
 * {@link JobRunner}; a JavaFX {@link Task} mirrors it for the view (it waits for the job on a
 * waiter thread and forwards cancel clicks to the job's handle).
 */
public final class JobArea implements WorkbenchJobs {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final JobRunner runner;
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lamina-job-waiter");
        t.setDaemon(true);
        return t;
    });
    private final TaskProgressView<Task<?>> tasks = new TaskProgressView<>();
    private final TextArea log = new TextArea();
    private final SplitPane node;
    private final AtomicInteger active = new AtomicInteger();

    public JobArea(JobRunner runner) {
        this.runner = runner;
        tasks.setId("jobs");
        log.setId("log");
        log.setEditable(false);
        log.setWrapText(true);
        log.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        node = new SplitPane(tasks, log);
        node.setOrientation(Orientation.HORIZONTAL);
        node.setDividerPositions(0.45);
    }

    /** The area's node. */
    public SplitPane node() {
        return node;
    }

    /** The progress view (tests drive its tasks as the cancel button does). */
    public TaskProgressView<Task<?>> progressView() {
        return tasks;
    }

    /** The log text. */
    public TextArea logArea() {
        return log;
    }

    /** Jobs submitted and not yet finished. */
    public int activeJobs() {
        return active.get();
    }

    /** Appends a time-stamped line to the log (any thread). */
    public void log(String message) {
        String line = LocalTime.now().format(TIME) + "  " + message + "\n";
        if (Platform.isFxApplicationThread()) {
            log.appendText(line);
        } else {
            Platform.runLater(() -> log.appendText(line));
        }
    }

    @Override
    public <R> JobHandle<R> submit(String title, Job<R> job, Consumer<R> onSuccess) {
        return submit(title, job, onSuccess, null);
    }

    /**
     * As {@link #submit(String, Job, Consumer)}, and {@code onFailure} receives the failure's
     * message on the JavaFX thread (after it is logged), for errors the user must see.
     */
    public <R> JobHandle<R> submit(String title, Job<R> job, Consumer<R> onSuccess, Consumer<String> onFailure) {
        MirrorTask<R> task = new MirrorTask<>(title);
        active.incrementAndGet();
        JobHandle<R> handle = runner.submit(title, job, task);
        task.handle = handle;
        task.setOnSucceeded(e -> {
            if (onSuccess != null) {
                try {
                    onSuccess.accept(task.getValue());
                } catch (RuntimeException ex) {
                    log("✖ " + title + ": showing the result failed: " + ex.getMessage());
                }
            }
        });
        task.setOnFailed(e -> {
            log("✖ " + title + " failed: " + message(task.getException()));
            if (onFailure != null) {
                onFailure.accept(message(task.getException()));
            }
        });
        task.setOnCancelled(e -> log("cancelled: " + title));
        handle.result().whenComplete((r, e) -> {
            // Give the GPU's cached blocks back once a job has stopped, and say what is still held (issue #17 §2).
            org.lamina.analysis.model.DeviceMemory.releaseAfterJob()
                    .ifPresent(line -> Platform.runLater(() -> log("after " + title + ": " + line)));
            active.decrementAndGet();
        });
        Runnable show = () -> tasks.getTasks().add(task);
        if (Platform.isFxApplicationThread()) {
            show.run();
        } else {
            Platform.runLater(show);
        }
        waiters.execute(task);
        return handle;
    }

    private static String message(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** Shuts the waiter threads down (the runner belongs to the caller). */
    public void close() {
        waiters.shutdownNow();
    }

    /** A JavaFX task that mirrors one job: progress and message in, cancel out. */
    private static final class MirrorTask<R> extends Task<R> implements JobListener {
        private volatile JobHandle<R> handle;

        MirrorTask(String title) {
            updateTitle(title);
            updateMessage("waiting");
        }

        @Override
        protected R call() throws Exception {
            try {
                return handle.result().get();
            } catch (InterruptedException e) {
                // Task.cancel interrupts this waiter: pass the cancel on to the job itself.
                handle.cancel();
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            } catch (CancellationException e) {
                cancel(false);
                throw e;
            }
        }

        @Override
        protected void cancelled() {
            if (handle != null) {
                handle.cancel();
            }
        }

        @Override
        public void progress(double fraction) {
            updateProgress(fraction < 0 ? -1 : fraction, fraction < 0 ? -1 : 1);
        }

        @Override
        public void message(String text) {
            updateMessage(text);
        }

        @Override
        public void state(JobState state, Throwable error) {
            if (state == JobState.RUNNING) {
                updateMessage("running");
            }
        }
    }
}
