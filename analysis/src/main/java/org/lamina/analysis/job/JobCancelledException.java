package org.lamina.analysis.job;

import java.util.concurrent.CancellationException;

/** Thrown inside a job when it notices it was cancelled; the runner reports it as a cancellation. */
public class JobCancelledException extends CancellationException {

    public JobCancelledException() {
        super("job cancelled");
    }
}
