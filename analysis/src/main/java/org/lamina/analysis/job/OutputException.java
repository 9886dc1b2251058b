package org.lamina.analysis.job;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An output Lamina was asked to write cannot be written: a folder that is not writable, a full
 * disk, a target that is not a regular file. It is bad input, not a bug (the CLI exits with code
 * 2), and its message names the path and the reason in words ("permission denied", "no space left
 * on the device") instead of an exception class.
 */
public final class OutputException extends RuntimeException {

    public OutputException(String message) {
        super(message);
    }

    public OutputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "cannot write PATH: REASON" for an I/O failure while writing {@code path}. */
    public static OutputException cannotWrite(Path path, IOException e) {
        return new OutputException("cannot write " + path + ": " + reason(e), e);
    }

    /** The reason of an I/O failure as a user reads it. */
    public static String reason(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left")) {
            return "no space left on the device";
        }
        if (lower.contains("disk quota")) {
            return "disk quota exceeded";
        }
        if (lower.contains("read-only file system")) {
            return "read-only file system";
        }
        if (e instanceof AccessDeniedException || lower.contains("permission denied")) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException || lower.contains("not a directory")) {
            return "a part of the path is a file, not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists and is not a folder";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
