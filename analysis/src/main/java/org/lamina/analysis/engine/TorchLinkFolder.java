package org.lamina.analysis.engine;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The folder DJL is pointed at ({@code PYTORCH_LIBRARY_PATH}) for an installed libtorch: links to
 * torch's libraries plus the JNI, as {@code <djl>-libdjl_torch.so} (the first name DJL looks for).
 *
 * <p>Why a folder of links and not the library folder itself: DJL {@code System.load}s every
 * {@code .so} it finds under that folder, recursively, so a shared folder such as
 * {@code /usr/lib/x86_64-linux-gnu} would load hundreds of unrelated libraries; and the JNI must
 * sit next to them, where the user may not write. Where the folder belongs to torch alone (a wheel's
 * {@code torch/lib}, an archive's {@code lib}) every library in it is linked, because those
 * libraries find each other through {@code $ORIGIN} and glibc takes {@code $ORIGIN} from the path
 * a library was opened by — the link's folder. The links sit at {@code …/site/torch/lib} with
 * {@code …/site/nvidia} linked to the wheel's {@code nvidia} package, so a CUDA wheel's
 * {@code $ORIGIN/../../nvidia/…/lib} run-paths resolve as they do in site-packages.
 */
public final class TorchLinkFolder {

    private TorchLinkFolder() {
    }

    /** The links folder for {@code torch} under {@code cacheBase} (one per library folder and key). */
    public static Path of(Path cacheBase, TorchInstallation torch) {
        return cacheBase.resolve("torch-links").resolve(torch.jniKey(Engine.getDjlVersion()) + "-" + shortHash(torch.libDir().toString()))
                .resolve("site/torch/lib");
    }

    /**
     * (Re)creates the links folder for {@code torch} with {@code jni} in it.
     *
     * @return the folder to give DJL as {@code PYTORCH_LIBRARY_PATH}
     */
    public static Path prepare(Path cacheBase, TorchInstallation torch, Path jni) {
        Path dir = of(cacheBase, torch);
        Path site = dir.getParent().getParent();
        try {
            JniBuild.deleteTree(site.getParent());
            Files.createDirectories(dir);
            if (torch.ownLibDir()) {
                try (Stream<Path> s = Files.list(torch.libDir())) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String name = p.getFileName().toString();
                        // libtorch_python.so needs the Python interpreter's symbols; DJL skips it
                        // anyway (names with torch_), but a link to it would only invite mistakes.
                        if (name.matches(".*\\.so(\\.\\d+)*") && !name.startsWith("libtorch_python") && Files.isRegularFile(p)) {
                            Files.createSymbolicLink(dir.resolve(name), p.toAbsolutePath());
                        }
                    }
                }
                Path nvidia = torch.libDir().getParent().getParent().resolve("nvidia");
                if (Files.isDirectory(nvidia)) {
                    Files.createSymbolicLink(site.resolve("nvidia"), nvidia);
                }
            } else {
                for (String name : Stream.concat(TorchInstallation.CPU_LIBRARIES.stream(),
                        torch.cuda() ? TorchInstallation.CUDA_LIBRARIES.stream() : Stream.empty()).toList()) {
                    Path p = torch.libDir().resolve(name);
                    if (Files.exists(p)) {
                        Files.createSymbolicLink(dir.resolve(name), p);
                    }
                }
            }
            Files.copy(jni, dir.resolve(Engine.getDjlVersion() + "-" + JniBuild.JNI_NAME), StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the folder of links for DJL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
