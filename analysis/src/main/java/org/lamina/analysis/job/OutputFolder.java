package org.lamina.analysis.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lamina.analysis.provenance.Sha256;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A run's output folder that holds all of one run, or the previous run untouched (issue #16,
 * class 2). A figure for a paper must never sit next to a JSON of another run.
 *
 * <p>How: {@link #open} checks the folder is writable before anything is computed and makes a
 * hidden staging folder inside it; the run writes every file into {@link #directory()}; {@link
 * #commit} then (1) checks every target is a regular file or absent, (2) renames the staging folder
 * to a <em>commit</em> folder — the point from which the run counts as done, (3) moves each file
 * into place (atomic renames within one file system), (4) deletes the files that the previous run's
 * manifest lists and this run did not produce, (5) writes the run manifest {@code
 * lamina-run-KIND.json} (files with sizes and SHA-256) last, and (6) removes the commit folder.
 * The manifest is per kind of run ({@code craft}, {@code probe}, a panel's export …), so a CRAFT
 * run and a probe run can share a folder without one deleting the other's files; two CRAFT runs
 * cannot leave a mix. A run that fails, is
 * cancelled or killed before (2) leaves the folder as it was; one killed during (3)–(6) leaves a
 * commit folder that the next {@link #open} or {@link #recover} of that folder completes. A staging
 * folder of a process that no longer runs is removed by the next open; a {@code SIGTERM}/{@code
 * SIGINT} removes its own at exit. Files in the folder that no Lamina manifest lists (the user's own)
 * are never touched.
 */
public final class OutputFolder implements AutoCloseable {

    /** Run manifests are named {@code lamina-run-KIND.json}, written last. */
    static final String MANIFEST_PREFIX = "lamina-run-";
    static final String STAGING_PREFIX = ".lamina-staging-";
    static final String COMMIT_PREFIX = ".lamina-commit-";
    /** Inside a commit folder: the manifest to move into place once every file has been. */
    static final String PENDING_MANIFEST = ".manifest-pending.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Test hook: a stage at which {@link #commit} stops as if the process died there. */
    interface CrashPoint {
        void reached(String stage) throws IOException;
    }

    private final Path target;
    private final String manifestName;
    private final Path staging;
    private final Thread cleanupOnExit;
    private CrashPoint crashPoint = stage -> { };
    private boolean done;

    private OutputFolder(Path target, String manifestName, Path staging) {
        this.target = target;
        this.manifestName = manifestName;
        this.staging = staging;
        this.cleanupOnExit = new Thread(this::discardQuietly, "lamina-output-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Nothing to register: the staging folder is removed by close() or by the next open.
        }
    }

    /**
     * Opens {@code folder} for one run: creates it if needed, completes an interrupted commit,
     * removes staging folders of dead processes and makes this run's staging folder. Fails with an
     * {@link OutputException} naming the folder and the reason when it cannot be written.
     */
    public static OutputFolder open(Path folder, String kind) {
        String manifestName = manifestName(kind);
        Path dir = folder.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new OutputException("cannot write to " + folder + ": it exists and is not a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException("cannot write to " + folder + ": " + OutputException.reason(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new OutputException("cannot write to " + folder + ": permission denied");
        }
        recover(dir);
        Path staging;
        try {
            staging = createUnique(dir, STAGING_PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new OutputException("cannot write to " + folder + ": " + OutputException.reason(e), e);
        }
        return new OutputFolder(dir, manifestName, staging);
    }

    /** The manifest of a kind of run: {@code lamina-run-KIND.json}. */
    public static String manifestName(String kind) {
        if (kind == null || !kind.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new IllegalArgumentException("run kind must be lower-case letters, digits and '-', got '" + kind + "'");
        }
        return MANIFEST_PREFIX + kind + ".json";
    }

    /** This run's manifest file (once committed). */
    public Path manifest() {
        return target.resolve(manifestName);
    }

    /** The folder the run's files are written into (inside the target, hidden). */
    public Path directory() {
        return staging;
    }

    /** The output folder itself. */
    public Path target() {
        return target;
    }

    /** Makes {@link #commit} stop at a stage, as a killed process would (tests only). */
    void crashAt(CrashPoint point) {
        this.crashPoint = point;
    }

    /**
     * Moves the run's files into the output folder (see the class comment); {@code run} is written
     * into the manifest (command, parameters). Returns the files, relative to the folder.
     */
    public synchronized List<String> commit(Map<String, ?> run) {
        if (done) {
            throw new IllegalStateException("output of this run already committed or discarded");
        }
        try {
            List<String> files = listFiles(staging);
            for (String f : files) {
                AtomicOutput.requireReplaceable(target.resolve(f));
                if (f.startsWith(MANIFEST_PREFIX)) {
                    throw new IllegalStateException("a run may not write a file named like a run manifest: " + f);
                }
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "lamina-run/1");
            manifest.put("manifest", manifestName);
            manifest.put("finished", Instant.now().toString());
            manifest.put("run", run);
            Map<String, Object> entries = new LinkedHashMap<>();
            for (String f : files) {
                Path p = staging.resolve(f);
                entries.put(f, Map.of("bytes", Files.size(p), "sha256", Sha256.of(p)));
            }
            manifest.put("files", entries);
            Files.write(staging.resolve(PENDING_MANIFEST), JSON.writeValueAsBytes(manifest));
            crashPoint.reached("staged");
            Path commitDir = createUniqueName(target, COMMIT_PREFIX);
            Files.move(staging, commitDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            done = true;
            removeHook();
            complete(commitDir, target, crashPoint);
            return files;
        } catch (IOException e) {
            throw OutputException.cannotWrite(target, e);
        }
    }

    /** Removes the staging folder if the run did not commit (a failure or a cancel). */
    @Override
    public synchronized void close() {
        if (!done) {
            discardQuietly();
            removeHook();
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it only touches an uncommitted staging folder.
        }
    }

    private synchronized void discardQuietly() {
        if (!done) {
            done = true;
            deleteTree(staging);
        }
    }

    /**
     * Brings a folder to a consistent state: completes any commit that a killed run left half done,
     * and removes staging folders of processes that no longer run. Idempotent.
     */
    public static void recover(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> commits = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, ".lamina-*")) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.startsWith(COMMIT_PREFIX)) {
                    commits.add(p);
                } else if (name.startsWith(STAGING_PREFIX) && !ownerAlive(name)) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new OutputException("cannot read " + folder + ": " + OutputException.reason(e), e);
        }
        for (Path commit : commits) {
            try {
                complete(commit, folder, stage -> { });
            } catch (IOException e) {
                throw new OutputException("cannot complete an interrupted run in " + folder + ": " + OutputException.reason(e), e);
            }
        }
    }

    /** Steps (3)–(6) of the commit; safe to repeat after a crash at any point. */
    private static void complete(Path commitDir, Path target, CrashPoint crash) throws IOException {
        Path pending = commitDir.resolve(PENDING_MANIFEST);
        if (!Files.isRegularFile(pending)) {
            // Renamed but never filled cannot happen (the manifest is written before the rename);
            // a commit folder without one is not ours to finish.
            deleteTree(commitDir);
            return;
        }
        JsonNode manifest = JSON.readTree(pending.toFile());
        Set<String> produced = new LinkedHashSet<>();
        manifest.path("files").fieldNames().forEachRemaining(produced::add);
        int moved = 0;
        for (String f : produced) {
            Path from = commitDir.resolve(f);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Path to = target.resolve(f);
                Files.createDirectories(to.getParent());
                AtomicOutput.requireReplaceable(to);
                AtomicOutput.moveReplacing(from, to);
                if (++moved == 1) {
                    crash.reached("moving");
                }
            }
        }
        crash.reached("moved");
        String name = manifest.path("manifest").asText();
        if (!name.startsWith(MANIFEST_PREFIX) || name.contains("/")) {
            throw new IOException("commit folder " + commitDir + " names no valid manifest");
        }
        Path previous = target.resolve(name);
        if (Files.isRegularFile(previous, LinkOption.NOFOLLOW_LINKS)) {
            for (String old : filesOf(previous)) {
                Path stale = target.resolve(old).normalize();
                if (!produced.contains(old) && stale.startsWith(target)
                        && Files.isRegularFile(stale, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(stale);
                }
            }
        }
        crash.reached("pruned");
        AtomicOutput.requireReplaceable(previous);
        AtomicOutput.moveReplacing(pending, previous);
        crash.reached("manifest");
        deleteTree(commitDir);
    }

    /** The files a run manifest lists (empty for an unreadable one: nothing is deleted then). */
    static List<String> filesOf(Path manifest) {
        List<String> out = new ArrayList<>();
        try {
            JSON.readTree(manifest.toFile()).path("files").fieldNames().forEachRemaining(out::add);
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static List<String> listFiles(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    if (!rel.equals(PENDING_MANIFEST) && !p.getFileName().toString().endsWith(".part")) {
                        out.add(rel);
                    }
                }
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    private static boolean ownerAlive(String stagingName) {
        String rest = stagingName.substring(STAGING_PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Path createUnique(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static Path createUniqueName(Path dir, String prefix) {
        while (true) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all = new ArrayList<>(s.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a leftover staging folder is removed by the next open of this folder.
        }
    }
}
