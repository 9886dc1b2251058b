package org.lamina.analysis.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The programs that compiling DJL's JNI needs — CMake, make, a C++ compiler, and a JDK with its
 * C headers ({@code jni.h}) and {@code javac} (which writes the JNI header) — found on the
 * {@code PATH} and in the usual JDK folders. A missing one is named with the Debian package that
 * brings it, all at once, so one {@code apt-get install} fixes the lot.
 *
 * @param cmake cmake executable
 * @param cxx   C++ compiler
 * @param jdk   JDK home (has {@code include/jni.h}, {@code include/linux/jni_md.h}, {@code bin/javac})
 */
public record BuildTools(Path cmake, Path cxx, Path jdk) {

    /** Tool → Debian package that brings it. */
    static final Map<String, String> PACKAGES = packages();

    private static Map<String, String> packages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cmake", "cmake");
        m.put("make", "make");
        m.put("c++", "g++");
        m.put("JDK headers (jni.h) and javac", "openjdk-17-jdk-headless");
        return m;
    }

    /** Finds the tools on this machine's {@code PATH} and JDK folders. */
    public static BuildTools find() {
        List<Path> jdkCandidates = new ArrayList<>();
        jdkCandidates.add(Path.of(System.getProperty("java.home")));
        Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(jdkCandidates::add);
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> s = Files.list(jvm)) {
                s.sorted().forEach(jdkCandidates::add);
            } catch (IOException e) {
                // no JDK folder to look in
            }
        }
        return find(System.getenv().getOrDefault("PATH", ""), jdkCandidates);
    }

    /**
     * Finds the tools on {@code searchPath} (a {@code PATH} value) and among the JDK homes.
     *
     * @throws IllegalStateException listing every missing tool with its Debian package
     */
    public static BuildTools find(String searchPath, List<Path> jdkHomes) {
        Optional<Path> cmake = onPath(searchPath, "cmake");
        Optional<Path> make = onPath(searchPath, "make");
        Optional<Path> cxx = onPath(searchPath, "c++").or(() -> onPath(searchPath, "g++"));
        Optional<Path> jdk = jdkHomes.stream().filter(BuildTools::isJdk).findFirst();
        List<String> missing = new ArrayList<>();
        if (cmake.isEmpty()) {
            missing.add("cmake");
        }
        if (make.isEmpty()) {
            missing.add("make");
        }
        if (cxx.isEmpty()) {
            missing.add("c++");
        }
        if (jdk.isEmpty()) {
            missing.add("JDK headers (jni.h) and javac");
        }
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder("building DJL's JNI for this libtorch needs ");
            List<String> pkgs = new ArrayList<>();
            for (int i = 0; i < missing.size(); i++) {
                String tool = missing.get(i);
                sb.append(i == 0 ? "" : ", ").append(tool).append(" (Debian package ").append(PACKAGES.get(tool)).append(')');
                pkgs.add(PACKAGES.get(tool));
            }
            sb.append(", not found");
            if (missing.contains("JDK headers (jni.h) and javac")) {
                sb.append(" (looked for include/jni.h and bin/javac in ").append(jdkHomes).append(')');
            }
            sb.append(". Install with: apt-get install ").append(String.join(" ", pkgs));
            throw new IllegalStateException(sb.toString());
        }
        return new BuildTools(cmake.get(), cxx.get(), jdk.get());
    }

    /** The C headers and compiler of a JDK (a JRE has neither). */
    static boolean isJdk(Path home) {
        return Files.isRegularFile(home.resolve("include/jni.h")) && Files.isRegularFile(home.resolve("include/linux/jni_md.h"))
                && Files.isExecutable(home.resolve("bin/javac"));
    }

    static Optional<Path> onPath(String searchPath, String program) {
        for (String dir : searchPath.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@code javac} of the JDK. */
    public Path javac() {
        return jdk.resolve("bin/javac");
    }
}
