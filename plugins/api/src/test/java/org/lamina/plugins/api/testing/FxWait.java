package org.lamina.plugins.api.testing;

import javafx.application.Platform;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two waits every headless panel test needs: run code on the JavaFX thread and get its
 * result, and poll a condition until it holds (jobs finish on other threads).
 */
public final class FxWait {

    private static final long POLL_MS = 50;

    private FxWait() {
    }

    /** Runs {@code c} on the JavaFX thread and returns its result (its exception as the cause). */
    public static <T> T onFx(Callable<T> c, long timeoutSeconds) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} (on the calling thread) until it is true; fails after the timeout. */
    public static void until(Callable<Boolean> condition, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutSeconds + " s");
            }
            Thread.sleep(POLL_MS);
        }
    }
}
