package org.lamina.analysis.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a libtorch from a folder the user names: a PyTorch package folder (what
 * {@code python3 -c 'import torch,os; print(os.path.dirname(torch.__file__))'} prints), an
 * unpacked libtorch archive ({@code libtorch/} with {@code lib/}, {@code include/},
 * {@code share/cmake/Torch}), its {@code lib} folder, or a system prefix such as Debian's
 * {@code /usr} (libtorch-dev puts {@code libtorch.so} in {@code lib/x86_64-linux-gnu}).
 *
 * <p>Release: the Debian package that owns the library when there is one (Debian builds from the
 * release tarball, whose {@code version.txt} says {@code 1.13.0a0} for 1.13.1, so every file in the
 * tree under-reports it), else the package's {@code version.py}, the archive's {@code build-version},
 * CMake's {@code TorchConfigVersion.cmake}, the C++ header {@code torch/version.h}. ABI: the
 * {@code _GLIBCXX_USE_CXX11_ABI} flag of {@code TorchConfig.cmake}, else whether {@code libc10.so}
 * carries {@code __cxx11} symbols. CUDA: {@code version.py}'s {@code cuda}, the archive's
 * {@code +cuXYZ} suffix, else the presence of {@code libtorch_cuda.so}.
 */
public final class TorchInstallationDetector {

    private static final Pattern PY_VERSION = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern PY_CUDA = Pattern.compile("(?m)^cuda\\s*(?::\\s*[^=]+)?=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern PY_HIP = Pattern.compile("(?m)^hip\\s*(?::\\s*[^=]+)?=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern CMAKE_VERSION = Pattern.compile("PACKAGE_VERSION\\s+\"([^\"]+)\"");
    private static final Pattern HEADER_VERSION = Pattern.compile("#define\\s+TORCH_VERSION\\s*\\\\?\\s*\"([^\"]+)\"");
    private static final Pattern ABI_FLAG = Pattern.compile("_GLIBCXX_USE_CXX11_ABI=([01])");
    private static final Pattern RELEASE = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)");
    private static final Pattern CU_SUFFIX = Pattern.compile("\\+cu(\\d+)(\\d)$");
    private static final String LIBTORCH = "libtorch.so";

    private final Function<Path, Optional<String>> packageVersion;

    /**
     * @param packageVersion the version of the system package that owns a file (Debian's
     *                       {@code dpkg-query}); empty when no package owns it
     */
    public TorchInstallationDetector(Function<Path, Optional<String>> packageVersion) {
        this.packageVersion = packageVersion;
    }

    /** A detector that asks dpkg who owns a library (when dpkg is there). */
    public static TorchInstallationDetector system() {
        return new TorchInstallationDetector(TorchInstallationDetector::dpkgVersion);
    }

    /**
     * Detects the libtorch in {@code folder}.
     *
     * @throws IllegalArgumentException naming the folder and what was looked for, when it holds none
     */
    public TorchInstallation detect(Path folder) {
        Path given = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(given)) {
            throw new IllegalArgumentException(given + " is not a folder; expected a PyTorch package folder (python3 -c "
                    + "'import torch,os; print(os.path.dirname(torch.__file__))') or a libtorch folder");
        }
        Path pyVersion = given.resolve("version.py");
        boolean pythonPackage = Files.isRegularFile(pyVersion) && Files.isRegularFile(given.resolve("lib").resolve(LIBTORCH));
        Path libDir = findLibDir(given);
        // The torch distribution's root: the package folder, the archive's root, or the prefix.
        Path root = libDir.equals(given) ? given.getParent() : given;
        boolean own = pythonPackage || Files.isRegularFile(root.resolve("build-version"))
                || (Files.isDirectory(root.resolve("include").resolve("torch")) && !isSystemPrefix(root));

        String pyText = pythonPackage ? read(pyVersion) : "";
        if (pythonPackage) {
            Matcher hip = PY_HIP.matcher(pyText);
            if (hip.find()) {
                throw new IllegalArgumentException(given + " is a ROCm build of PyTorch (hip " + hip.group(1)
                        + "); DJL's PyTorch engine has no ROCm JNI, only CPU and CUDA builds can be used");
            }
        }
        Optional<Path> cmakePrefix = findCmakePrefix(root, libDir);

        List<String[]> versions = new ArrayList<>();
        packageVersion.apply(realLib(libDir)).ifPresent(v -> versions.add(new String[] {v, "the Debian package that owns " + LIBTORCH}));
        if (pythonPackage) {
            firstGroup(PY_VERSION, pyText).ifPresent(v -> versions.add(new String[] {v, pyVersion.toString()}));
        }
        Path buildVersion = root.resolve("build-version");
        String buildVersionText = Files.isRegularFile(buildVersion) ? read(buildVersion).trim() : "";
        if (!buildVersionText.isEmpty()) {
            versions.add(new String[] {buildVersionText, buildVersion.toString()});
        }
        cmakePrefix.map(p -> p.resolve("TorchConfigVersion.cmake")).filter(Files::isRegularFile)
                .flatMap(p -> firstGroup(CMAKE_VERSION, read(p)).map(v -> new String[] {v, p.toString()}))
                .ifPresent(versions::add);
        for (Path h : List.of(root.resolve("include/torch/csrc/api/include/torch/version.h"))) {
            if (Files.isRegularFile(h)) {
                firstGroup(HEADER_VERSION, read(h)).ifPresent(v -> versions.add(new String[] {v, h.toString()}));
            }
        }
        String version = null;
        String source = null;
        for (String[] v : versions) {
            Matcher m = RELEASE.matcher(v[0]);
            if (m.find()) {
                version = m.group(1);
                source = v[1] + " (" + v[0] + ")";
                break;
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("cannot tell which PyTorch release " + libDir.resolve(LIBTORCH)
                    + " is: none of version.py, build-version, cmake/Torch/TorchConfigVersion.cmake or "
                    + "include/torch/csrc/api/include/torch/version.h was found next to it");
        }

        Optional<String> cuda = Optional.empty();
        if (pythonPackage) {
            cuda = firstGroup(PY_CUDA, pyText);
        }
        if (cuda.isEmpty()) {
            Matcher cu = CU_SUFFIX.matcher(buildVersionText);
            if (cu.find()) {
                cuda = Optional.of(cu.group(1) + "." + cu.group(2));
            }
        }
        if (cuda.isEmpty() && (Files.exists(libDir.resolve("libtorch_cuda.so")) || Files.exists(libDir.resolve("libc10_cuda.so")))) {
            cuda = Optional.of("unknown");
        }

        boolean abi = cmakePrefix.map(p -> p.resolve("TorchConfig.cmake")).filter(Files::isRegularFile)
                .flatMap(p -> firstGroup(ABI_FLAG, read(p))).map("1"::equals)
                .orElseGet(() -> usesCxx11Abi(libDir.resolve("libc10.so")));
        return new TorchInstallation(given, libDir, own, version, source, abi, cuda, cmakePrefix);
    }

    private static Path findLibDir(Path given) {
        List<Path> candidates = new ArrayList<>(List.of(given, given.resolve("lib"), given.resolve("lib64")));
        Path lib = given.resolve("lib");
        if (Files.isDirectory(lib)) {
            // Debian and Ubuntu put libraries in lib/<multiarch triplet>, e.g. lib/x86_64-linux-gnu.
            try (Stream<Path> s = Files.list(lib)) {
                s.filter(p -> p.getFileName().toString().endsWith("-linux-gnu")).sorted().forEach(candidates::add);
            } catch (IOException e) {
                // an unreadable lib folder simply has no candidates
            }
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve(LIBTORCH))) {
                return c;
            }
        }
        throw new IllegalArgumentException("no " + LIBTORCH + " in " + given + " (looked in " + given + ", lib/, lib64/ and "
                + "lib/<triplet>/); expected a PyTorch package folder (python3 -c 'import torch,os; "
                + "print(os.path.dirname(torch.__file__))') or a libtorch folder (the unpacked libtorch archive, or a "
                + "prefix such as /usr with libtorch-dev installed)");
    }

    private static Optional<Path> findCmakePrefix(Path root, Path libDir) {
        List<Path> candidates = new ArrayList<>(List.of(root.resolve("share/cmake/Torch"), libDir.resolve("cmake/Torch")));
        // Debian's python3-torch links torch/lib/*.so into /usr/lib/<triplet>, where libtorch-dev
        // keeps cmake/Torch; pip wheels carry share/cmake/Torch inside the package (first candidate).
        candidates.add(realLib(libDir).getParent().resolve("cmake/Torch"));
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("TorchConfig.cmake"))).findFirst();
    }

    private static Path realLib(Path libDir) {
        try {
            return libDir.resolve(LIBTORCH).toRealPath();
        } catch (IOException e) {
            return libDir.resolve(LIBTORCH);
        }
    }

    private static boolean isSystemPrefix(Path p) {
        String s = p.toString();
        return s.equals("/usr") || s.equals("/usr/local") || s.equals("/") || s.equals("/opt/local");
    }

    /**
     * Whether a library was compiled with libstdc++'s C++11 ABI: its mangled names then contain
     * {@code __cxx11} (for every function taking a {@code std::string}, which c10 has many of).
     */
    static boolean usesCxx11Abi(Path library) {
        byte[] needle = "__cxx11".getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = Files.newInputStream(library)) {
            byte[] buf = new byte[1 << 16];
            int carry = 0;
            int n;
            while ((n = in.read(buf, carry, buf.length - carry)) > 0) {
                int len = carry + n;
                for (int i = 0; i + needle.length <= len; i++) {
                    int j = 0;
                    while (j < needle.length && buf[i + j] == needle[j]) {
                        j++;
                    }
                    if (j == needle.length) {
                        return true;
                    }
                }
                carry = Math.min(needle.length - 1, len);
                System.arraycopy(buf, len - carry, buf, 0, carry);
            }
            return false;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + library + " to tell its C++ ABI: " + e.getMessage(), e);
        }
    }

    private static Optional<String> firstGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * The upstream version of the Debian package that owns {@code file} ({@code 1.13.1+dfsg-4} →
     * {@code 1.13.1+dfsg-4}; the caller keeps the release part), or empty when dpkg is absent or
     * no package owns it.
     */
    static Optional<String> dpkgVersion(Path file) {
        if (!file.startsWith("/usr") && !file.startsWith("/lib")) {
            return Optional.empty();
        }
        Optional<String> owner = run("dpkg-query", "-S", file.toString()).map(s -> s.split(":", 2)[0].trim())
                .filter(s -> !s.isEmpty() && !s.contains(","));
        return owner.flatMap(pkg -> run("dpkg-query", "-W", "-f=${Version}", pkg)).map(String::trim)
                .map(v -> v.contains(":") ? v.substring(v.indexOf(':') + 1) : v).filter(v -> !v.isEmpty());
    }

    private static Optional<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroy();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
