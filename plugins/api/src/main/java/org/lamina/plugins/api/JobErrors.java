package org.lamina.plugins.api;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * What a panel needs from the exception a job's result completed with: the job's own exception
 * (not the {@link CompletionException} around it) and whether the job was cancelled rather than
 * failed, so that the status line can say "Cancelled" or "Failed: why".
 */
public final class JobErrors {

    private JobErrors() {
    }

    /** The cause of a {@link CompletionException} that has one, else {@code error} itself. */
    public static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * Whether the job ended by cancellation: a {@link CancellationException} (the runner's
     * {@code JobCancelledException} is one), or an exception whose class name says "Cancelled".
     */
    public static boolean cancelled(Throwable error) {
        Throwable c = cause(error);
        return c instanceof CancellationException || c.getClass().getSimpleName().contains("Cancelled");
    }
}
