package org.lamina.analysis.engine;

import ai.djl.engine.Engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles DJL's PyTorch JNI ({@code libdjl_torch.so}) against an installed libtorch, once: the
 * result is cached under {@code <cache>/torch-jni/<release>-<abi>-<flavour>-djl<version>/}
 * ({@link TorchInstallation#jniKey}), so choosing the same libtorch again costs nothing.
 *
 * <p>DJL 0.33 only ships JNIs for its own libtorch 2.5.1; for any other it would download one,
 * which Lamina never does. The sources are DJL's own ({@code engines/pytorch/pytorch-native} and
 * {@code api/src/main/native} of the {@code v0.33.0} tag, as a folder or its {@code .tar.gz}),
 * built the way DJL's {@code build.sh} builds them: {@code javac -h} writes the JNI header from
 * {@code PyTorchLibrary.java}, CMake compiles with {@code PT_VERSION=V1_13_X} for 1.13–2.1 and
 * {@code USE_CUDA} for a CUDA build. CMake's FindJNI needs the JDK paths spelled out.
 */
public final class JniBuild {

    /** The JNI file name DJL looks for in {@code PYTORCH_LIBRARY_PATH} ({@code <djl>-libdjl_torch.so}). */
    public static final String JNI_NAME = "libdjl_torch.so";

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)\\.");

    private JniBuild() {
    }

    /** Where the JNI for {@code torch} is (or will be) cached under {@code cacheBase}. */
    public static Path cachedJni(Path cacheBase, TorchInstallation torch) {
        return cacheBase.resolve("torch-jni").resolve(torch.jniKey(Engine.getDjlVersion())).resolve(JNI_NAME);
    }

    /**
     * The CMake definition that selects the libtorch API generation in DJL's sources, or empty for
     * the newest. Releases before 1.13 are refused: DJL 0.33's sources no longer build against them.
     */
    static Optional<String> ptVersionDefine(String version) {
        Matcher m = RELEASE.matcher(version);
        if (!m.find()) {
            throw new IllegalArgumentException("unexpected PyTorch version '" + version + "'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 1 || (major == 1 && minor < 13)) {
            throw new IllegalArgumentException("PyTorch " + version + " is too old: DJL " + Engine.getDjlVersion()
                    + "'s JNI builds against libtorch 1.13 and newer");
        }
        return major == 1 || (major == 2 && minor <= 1) ? Optional.of("V1_13_X") : Optional.empty();
    }

    /**
     * The cached JNI for {@code torch}, built first when there is none.
     *
     * @param djlSource DJL's v0.33.0 source tree or its {@code .tar.gz}
     * @param log       receives one line per step and CMake's progress lines
     * @throws IllegalStateException a missing tool (named with its Debian package) or a failed build
     */
    public static Path ensure(TorchInstallation torch, Path djlSource, Path cacheBase, Consumer<String> log) {
        Path target = cachedJni(cacheBase, torch);
        if (Files.isRegularFile(target)) {
            log.accept("JNI for " + torch.jniKey(Engine.getDjlVersion()) + " is cached: " + target);
            return target;
        }
        Optional<String> ptDefine = ptVersionDefine(torch.version());
        BuildTools tools = BuildTools.find();
        Path cmakePrefix = torch.cmakePrefix().orElseThrow(() -> new IllegalStateException(
                "the C++ headers and CMake files of " + torch.describe() + " are missing (no cmake/Torch/TorchConfig.cmake "
                        + "next to it); for Debian's python3-torch install libtorch-dev, for a libtorch archive use the "
                        + "full archive, pip wheels carry them in torch/share/cmake/Torch"));
        if (djlSource == null) {
            throw new IllegalArgumentException("no DJL source to build the JNI from: pass --djl-src DIR (the v" + Engine.getDjlVersion()
                    + " tag of github.com/deepjavalibrary/djl, as a folder or .tar.gz)");
        }
        Path work = null;
        try {
            Files.createDirectories(target.getParent());
            work = Files.createTempDirectory(target.getParent(), "build-");
            Path src = unpack(djlSource, work, log);
            Path nativeDir = src.resolve("engines/pytorch/pytorch-native");
            Path javaDir = src.resolve("engines/pytorch/pytorch-engine/src/main/java");
            Path build = nativeDir.resolve("build");
            Files.createDirectories(build.resolve("include"));
            Files.createDirectories(build.resolve("classes"));
            log.accept("writing the JNI header with " + tools.javac());
            run(List.of(tools.javac().toString(), "-cp", jarOf(Engine.class) + java.io.File.pathSeparator + jarOf(org.slf4j.Logger.class),
                    "-sourcepath", javaDir.toString(), javaDir.resolve("ai/djl/pytorch/jni/PyTorchLibrary.java").toString(),
                    "-h", build.resolve("include").toString(), "-d", build.resolve("classes").toString()), build, log);
            List<String> cmake = new ArrayList<>(List.of(tools.cmake().toString(),
                    "-DJAVA_INCLUDE_PATH=" + tools.jdk().resolve("include"),
                    "-DJAVA_INCLUDE_PATH2=" + tools.jdk().resolve("include/linux"),
                    "-DJAVA_JVM_LIBRARY=" + jvmLibrary(tools.jdk()),
                    "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_COMPILER=" + tools.cxx(),
                    "-DCMAKE_PREFIX_PATH=" + cmakePrefix));
            ptDefine.ifPresent(d -> cmake.add("-DPT_VERSION=" + d));
            if (torch.cuda()) {
                cmake.add("-DUSE_CUDA=1");
            }
            cmake.add("..");
            log.accept("configuring with CMake against " + cmakePrefix);
            run(cmake, build, log);
            log.accept("compiling (a few minutes; " + Runtime.getRuntime().availableProcessors() + " jobs)");
            run(List.of(tools.cmake().toString(), "--build", ".", "--", "-j" + Runtime.getRuntime().availableProcessors()), build, log);
            Path built = build.resolve(JNI_NAME);
            if (!Files.isRegularFile(built)) {
                throw new IllegalStateException("the JNI build finished without " + built);
            }
            Path tmp = target.resolveSibling(JNI_NAME + ".tmp");
            Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.accept("JNI cached: " + target);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the JNI under " + target.getParent() + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** Copies the needed parts of a source folder, or unpacks a {@code .tar.gz}, into {@code work}. */
    private static Path unpack(Path djlSource, Path work, Consumer<String> log) throws IOException {
        Path root;
        if (Files.isRegularFile(djlSource)) {
            log.accept("unpacking " + djlSource);
            run(List.of("tar", "xzf", djlSource.toAbsolutePath().toString(), "-C", work.toString()), work, log);
            try (var s = Files.list(work)) {
                root = s.filter(p -> Files.isDirectory(p.resolve("engines/pytorch/pytorch-native"))).findFirst()
                        .orElse(work);
            }
        } else {
            root = djlSource;
        }
        for (String need : List.of("engines/pytorch/pytorch-native/CMakeLists.txt", "engines/pytorch/pytorch-engine/src/main/java",
                "api/src/main/native/djl/utils.h")) {
            if (!Files.exists(root.resolve(need))) {
                throw new IllegalArgumentException(djlSource + " is not DJL's source tree: " + need + " is missing (expected the v"
                        + Engine.getDjlVersion() + " tag of github.com/deepjavalibrary/djl, as a folder or .tar.gz)");
            }
        }
        if (root.startsWith(work)) {
            return root;
        }
        // The CMake project writes into build/ next to its sources: work on a copy, never in the user's tree.
        Path copy = work.resolve("djl");
        for (String part : List.of("engines/pytorch/pytorch-native/CMakeLists.txt", "engines/pytorch/pytorch-native/src",
                "engines/pytorch/pytorch-engine/src/main/java", "api/src/main/native")) {
            copyTree(root.resolve(part), copy.resolve(part));
        }
        return copy;
    }

    private static Path jvmLibrary(Path jdk) {
        Path server = jdk.resolve("lib/server/libjvm.so");
        return Files.exists(server) ? server : jdk.resolve("lib/client/libjvm.so");
    }

    private static String jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the jar of " + c.getName() + " to compile the JNI header", e);
        }
    }

    private static void run(List<String> command, Path dir, Consumer<String> log) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            List<String> tail = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("[")) {
                        log.accept(line);
                    }
                    tail.add(line);
                    if (tail.size() > 40) {
                        tail.remove(0);
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(2, command.size())))
                        + " failed (exit " + code + "):\n" + String.join("\n", tail));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover build folder costs disk space, not correctness
        }
    }
}
