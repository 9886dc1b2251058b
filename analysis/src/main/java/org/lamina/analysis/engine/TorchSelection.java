package org.lamina.analysis.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The libtorch the user chose with {@code lamina torch use}, remembered in
 * {@code <config>/torch.properties} so that {@code ./lamina}, every command and the window use it,
 * and handed to DJL before its engine starts.
 *
 * <p>DJL 0.33 reads {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and
 * {@code PYTORCH_FLAVOR} through {@code Utils.getEnvOrSystemProperty}: the environment variable
 * when set, else the system property of the same name. So the choice is applied as system
 * properties in the running JVM (no re-exec); a variable a user exported still wins, and
 * {@link #environmentOverride()} says so.
 *
 * <p>Config folder: {@code -Dlamina.configDir=DIR}, else {@code $XDG_CONFIG_HOME/lamina} (absolute
 * paths only, as the XDG spec says), else {@code $HOME/.config/lamina}. The build's tests set
 * {@code lamina.configDir} to a folder of their own, so a developer's choice never reaches them.
 *
 * @param given     the folder the user named
 * @param links     the folder of links given to DJL ({@link TorchLinkFolder})
 * @param version   PyTorch release
 * @param flavor    DJL flavour ({@code cpu}, {@code cu124}, {@code cpu-precxx11}, …)
 * @param abi       {@code cxx11} or {@code precxx11}
 * @param libDir    where the libraries really are
 * @param jni       the cached JNI the links folder holds a copy of
 */
public record TorchSelection(Path given, Path links, String version, String flavor, String abi, Path libDir, Path jni) {

    /** System property naming the config folder. */
    public static final String CONFIG_PROPERTY = "lamina.configDir";

    /** The three settings DJL reads. */
    public static final List<String> DJL_SETTINGS = List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");

    private static final String FILE = "torch.properties";

    /** The selection for an installation just prepared. */
    public static TorchSelection of(TorchInstallation torch, Path links, Path jni) {
        return new TorchSelection(torch.given(), links, torch.version(), torch.flavor(), torch.abiName(), torch.libDir(), jni);
    }

    /** Whether this is a CUDA build. */
    public boolean cuda() {
        return flavor.startsWith("cu");
    }

    /** The config folder of this process. */
    public static Path configDir() {
        return configDir(System.getenv(), System.getProperty(CONFIG_PROPERTY), System.getProperty("user.home"));
    }

    /** The config folder for an environment, testable without touching the process's. */
    public static Path configDir(Map<String, String> env, String property, String userHome) {
        if (property != null && !property.isBlank()) {
            return path(property, "-D" + CONFIG_PROPERTY);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && path(xdg, "XDG_CONFIG_HOME").isAbsolute()) {
            return path(xdg, "XDG_CONFIG_HOME").resolve("lamina");
        }
        String home = env.get("HOME");
        if (home != null && !home.isBlank()) {
            return path(home, "HOME").resolve(".config").resolve("lamina");
        }
        return path(userHome, "user.home").resolve(".config").resolve("lamina");
    }

    private static Path path(String value, String source) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(source + " = \"" + value + "\" is not a path: " + e.getReason(), e);
        }
    }

    /** The remembered choice in {@code configDir}, if any. */
    public static Optional<TorchSelection> load(Path configDir) {
        Path f = configDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the remembered libtorch choice " + f + ": " + e.getMessage()
                    + " (lamina torch reset forgets it)", e);
        }
        try {
            return Optional.of(new TorchSelection(Path.of(req(p, "path", f)), Path.of(req(p, "links", f)), req(p, "version", f),
                    req(p, "flavor", f), req(p, "abi", f), Path.of(req(p, "libDir", f)), Path.of(req(p, "jni", f))));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(f + " holds a bad path (" + e.getMessage() + "); lamina torch reset forgets it", e);
        }
    }

    private static String req(Properties p, String key, Path f) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(f + " has no '" + key + "'; run lamina torch use PATH again, or lamina torch reset");
        }
        return v;
    }

    /** Remembers this choice in {@code configDir} (written whole, then moved into place). */
    public void save(Path configDir) {
        Properties p = new Properties();
        p.setProperty("path", given.toString());
        p.setProperty("links", links.toString());
        p.setProperty("version", version);
        p.setProperty("flavor", flavor);
        p.setProperty("abi", abi);
        p.setProperty("libDir", libDir.toString());
        p.setProperty("jni", jni.toString());
        try {
            Files.createDirectories(configDir);
            Path tmp = Files.createTempFile(configDir, FILE, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "libtorch chosen with 'lamina torch use'; 'lamina torch reset' removes this file");
            }
            Files.move(tmp, configDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remember the choice in " + configDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the remembered choice; returns whether there was one. */
    public static boolean forget(Path configDir) {
        try {
            return Files.deleteIfExists(configDir.resolve(FILE));
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + configDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Sets DJL's three settings as system properties of this JVM (before the engine starts). */
    public void apply() {
        System.setProperty("PYTORCH_LIBRARY_PATH", links.toString());
        System.setProperty("PYTORCH_VERSION", version);
        System.setProperty("PYTORCH_FLAVOR", flavor);
    }

    /** Clears DJL's three settings from the system properties (the bundled natives again). */
    public static void unapply() {
        DJL_SETTINGS.forEach(System::clearProperty);
    }

    /**
     * The DJL settings exported in the environment, which win over any choice (DJL reads the
     * environment first), e.g. {@code PYTORCH_LIBRARY_PATH=/opt/libtorch/lib}; empty when none.
     */
    public static Optional<String> environmentOverride() {
        StringBuilder sb = new StringBuilder();
        for (String k : DJL_SETTINGS) {
            String v = System.getenv(k);
            if (v != null && !v.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v);
            }
        }
        return sb.length() == 0 ? Optional.empty() : Optional.of(sb.toString());
    }

    /** What is wrong with this choice on disk now (links folder or JNI gone), or empty. */
    public Optional<String> problem() {
        if (!Files.isRegularFile(links.resolve("libtorch.so"))) {
            return Optional.of("the libtorch chosen with 'lamina torch use " + given + "' is gone (" + links.resolve("libtorch.so")
                    + " does not resolve: was it uninstalled, or the cache cleared?). Run 'lamina torch use PATH' again, "
                    + "or 'lamina torch reset' for the bundled natives");
        }
        return Optional.empty();
    }
}
