package org.lamina.analysis.cache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one rule for where Lamina's caches live, so that every cache follows it:
 * <ol>
 *   <li>{@code -Dlamina.cacheDir=DIR} (a command's own {@code --cache DIR} wins over all of these,
 *       at the call site);</li>
 *   <li>{@code $XDG_CACHE_HOME/lamina} when {@code XDG_CACHE_HOME} is set to an absolute path (the
 *       XDG base-directory spec says a relative one is to be ignored);</li>
 *   <li>{@code $HOME/.cache/lamina} when {@code HOME} is set: a user who points {@code HOME}
 *       elsewhere (a sandbox, a container, a shared account) means it, and Java's
 *       {@code user.home} is the passwd entry, which ignores it;</li>
 *   <li>{@code user.home/.cache/lamina} as the last resort.</li>
 * </ol>
 * The directory need not exist or be writable: caches create it on first write and only warn
 * when they cannot ({@link CacheWrite}).
 */
public final class CacheDirectory {

    /** The system property that names the cache base directory. */
    public static final String PROPERTY = "lamina.cacheDir";

    private CacheDirectory() {
    }

    /** The cache base directory of this process (its environment and system properties). */
    public static Path base() {
        return resolve(System.getenv(), System.getProperty(PROPERTY), System.getProperty("user.home"));
    }

    /** The sub-directory {@code name} of {@link #base()}, e.g. {@code chmcorr}. */
    public static Path of(String name) {
        return base().resolve(name);
    }

    /**
     * The cache base directory for an environment, testable without touching the process's.
     *
     * @param environment environment variables ({@code XDG_CACHE_HOME}, {@code HOME})
     * @param property    the value of {@code -Dlamina.cacheDir}, or null
     * @param userHome    Java's {@code user.home}, or null
     */
    public static Path resolve(Map<String, String> environment, String property, String userHome) {
        if (usable(property)) {
            return path(property, "-D" + PROPERTY);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        if (usable(xdg) && path(xdg, "XDG_CACHE_HOME").isAbsolute()) {
            return path(xdg, "XDG_CACHE_HOME").resolve("lamina");
        }
        String home = environment.get("HOME");
        if (usable(home)) {
            return path(home, "HOME").resolve(".cache").resolve("lamina");
        }
        if (usable(userHome)) {
            return path(userHome, "user.home").resolve(".cache").resolve("lamina");
        }
        throw new IllegalStateException("no cache directory: set -D" + PROPERTY + ", XDG_CACHE_HOME or HOME");
    }

    private static boolean usable(String value) {
        return value != null && !value.isBlank();
    }

    private static Path path(String value, String source) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(source + " = \"" + value + "\" is not a path: " + e.getReason(), e);
        }
    }
}
