package org.lamina.app.cli;

import org.lamina.analysis.infoplane.InfoPlaneMonitor;
import org.lamina.analysis.job.ProgressSink;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The command line's progress bar: one line on stderr, {@code name [=====     ]  42% message, 12 s},
 * redrawn in place at most five times a second (and always at 100 %), silent with
 * {@code --quiet}. A command never cancels, so {@link #isCancelled()} is false. It serves both
 * the job API ({@link ProgressSink}) and the information plane's {@link InfoPlaneMonitor}; a
 * {@link #begin} after work was done ends the previous phase's line first.
 */
final class ConsoleProgress implements ProgressSink, InfoPlaneMonitor {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String name;
    private final boolean quiet;
    private final long started = System.nanoTime();
    private long total = 1;
    private long done;
    private String message = "";
    private long lastDraw;

    /**
     * @param err   where to draw (stderr)
     * @param name  the command, shown first
     * @param quiet draw nothing
     */
    ConsoleProgress(PrintStream err, String name, boolean quiet) {
        this.err = err;
        this.name = name;
        this.quiet = quiet;
    }

    @Override
    public synchronized void begin(long units) {
        if (!quiet && done > 0) {
            draw(true);
            err.println();
        }
        total = Math.max(1, units);
        done = 0;
    }

    @Override
    public synchronized void advance(long units) {
        done += units;
        draw(done >= total);
    }

    @Override
    public synchronized void message(String text) {
        message = text == null ? "" : text;
        draw(false);
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    /** {@link InfoPlaneMonitor}: absolute progress with a message. */
    @Override
    public synchronized void progress(long doneUnits, long totalUnits, String text) {
        total = Math.max(1, totalUnits);
        done = doneUnits;
        message = text == null ? "" : text;
        draw(done >= total);
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (quiet || (!force && now - lastDraw < REDRAW_NANOS)) {
            return;
        }
        lastDraw = now;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        String text = message.length() > 60 ? message.substring(0, 60) : message;
        err.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %s, %.0f s", name, "=".repeat(filled), " ".repeat(WIDTH - filled),
                100 * Math.min(done, total) / total, text, (now - started) / 1e9);
        err.flush();
    }

    /** Ends the line (call once the work is done). */
    void finish() {
        if (!quiet) {
            err.println();
        }
    }
}
