package org.lamina.plugins.api;

import org.lamina.analysis.job.Job;
import org.lamina.analysis.job.JobHandle;

import java.util.function.Consumer;

/**
 * The shell's job area: jobs run on the analysis {@link org.lamina.analysis.job.JobRunner},
 * show their title, message and progress with a cancel button, and report failures in the log.
 */
public interface WorkbenchJobs {

    /**
     * Runs {@code job} off the JavaFX thread; {@code onSuccess} receives its result on the JavaFX
     * thread (not called when the job fails or is cancelled).
     */
    <R> JobHandle<R> submit(String title, Job<R> job, Consumer<R> onSuccess);
}
