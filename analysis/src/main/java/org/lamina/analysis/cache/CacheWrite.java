package org.lamina.analysis.cache;

import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.JobCancelledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a cache entry without letting the cache decide the run's fate. A cache only saves time:
 * when it cannot be written (a read-only folder, a full disk, a home directory that does not
 * exist, a path under a regular file) the result was already computed and is still right, so the
 * failure is a warning and the caller goes on with it. The entry is written through
 * {@link AtomicOutput}, so a failed write leaves no half-written entry that a later run would read.
 */
public final class CacheWrite {

    private static final Logger LOG = LoggerFactory.getLogger(CacheWrite.class);

    /** Warnings to the log (stderr on the command line). */
    public static final Consumer<String> LOG_WARNINGS = LOG::warn;

    private CacheWrite() {
    }

    /**
     * Writes {@code file} atomically; on an I/O failure tells {@code warnings} which cache, which
     * file and why, and returns false.
     *
     * @param what     the cache, for the message, e.g. {@code CHM-Corr gallery index}
     * @param warnings where a failure is reported
     * @return whether the entry was written
     */
    public static boolean tryWrite(String what, Path file, AtomicOutput.Writer writer, Consumer<String> warnings) {
        try {
            AtomicOutput.write(file, writer);
            return true;
        } catch (JobCancelledException e) {
            throw e;
        } catch (RuntimeException e) {
            // AtomicOutput reports I/O failures and refused target paths as OutputException; a
            // writer may still throw UncheckedIOException. None of them makes the computed result wrong.
            warnings.accept("cannot write the " + what + " cache (" + reason(e) + "); the run goes on without caching "
                    + file);
            return false;
        }
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String m = cause.getMessage();
        String kind = cause.getClass().getSimpleName();
        return m == null || m.isBlank() ? kind : kind + ": " + m;
    }
}
