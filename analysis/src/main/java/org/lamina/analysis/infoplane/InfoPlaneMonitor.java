package org.lamina.analysis.infoplane;

/**
 * What a running experiment reports to and asks of its caller: progress after every epoch and
 * logged point, and whether to stop (checked between epochs). The CLI draws a progress bar
 * from it; the panel adapts it to its job runner and updates its charts from {@link #logged}.
 */
public interface InfoPlaneMonitor {

    /** A monitor that ignores everything and never cancels. */
    InfoPlaneMonitor NONE = new InfoPlaneMonitor() { };

    /** {@code done} of {@code total} epochs (over all repeats) are finished. */
    default void progress(long done, long total, String message) {
    }

    /** Repeat {@code repeat} has logged epoch {@code epoch} (called from that repeat's thread). */
    default void logged(int repeat, LoggedEpoch point) {
    }

    /** Polled between epochs; {@code true} stops the run with a {@link java.util.concurrent.CancellationException}. */
    default boolean cancelled() {
        return false;
    }
}
