package org.lamina.analysis.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A libtorch found on disk: where its libraries are, which release it is, which C++ ABI it was
 * compiled with and whether it is a CUDA build. {@link TorchInstallationDetector} fills it in from
 * the files of a PyTorch package or a libtorch folder; {@link JniBuild} compiles DJL's JNI against
 * it and {@link TorchLinkFolder} hands it to DJL.
 *
 * @param given         the folder the user named
 * @param libDir        the folder that holds {@code libtorch.so}
 * @param ownLibDir     whether {@code libDir} belongs to torch alone (a wheel's {@code torch/lib},
 *                      a libtorch archive's {@code lib}); false for a shared system folder such as
 *                      {@code /usr/lib/x86_64-linux-gnu}, where only torch's own libraries may be linked
 * @param version       the release, e.g. {@code 1.13.1} (no local suffix such as {@code +cu124})
 * @param versionSource where the release was read, for {@code lamina torch status}
 * @param cxx11Abi      whether the libraries use libstdc++'s C++11 ABI ({@code _GLIBCXX_USE_CXX11_ABI=1})
 * @param cudaVersion   the CUDA version of a CUDA build, e.g. {@code 12.4}; empty for a CPU build
 * @param cmakePrefix   the folder holding {@code TorchConfig.cmake} (needed only to build the JNI)
 */
public record TorchInstallation(Path given, Path libDir, boolean ownLibDir, String version, String versionSource,
        boolean cxx11Abi, Optional<String> cudaVersion, Optional<Path> cmakePrefix) {

    /** The libraries DJL loads itself, in this order, besides the ones it loads first. */
    public static final List<String> CPU_LIBRARIES = List.of("libc10.so", "libtorch_cpu.so", "libtorch.so");

    /** The extra libraries of a CUDA build that DJL loads when the flavour names CUDA. */
    public static final List<String> CUDA_LIBRARIES = List.of("libc10_cuda.so", "libtorch_cuda.so",
            "libtorch_cuda_cpp.so", "libtorch_cuda_cu.so", "libcaffe2_nvrtc.so", "libnvfuser_codegen.so");

    /** Whether this is a CUDA build. */
    public boolean cuda() {
        return cudaVersion.isPresent();
    }

    /**
     * DJL's name for the build, as {@code PYTORCH_FLAVOR} takes it: {@code cpu}, {@code cu124},
     * with {@code -precxx11} for the old ABI. DJL loads the CUDA libraries only when the flavour
     * contains {@code cu}.
     */
    public String flavor() {
        // A CUDA build whose CUDA version could not be read is still "cu": DJL only tests for it.
        String base = cudaVersion.map(v -> "unknown".equals(v) ? "cu" : "cu" + v.replace(".", "")).orElse("cpu");
        return cxx11Abi ? base : base + "-precxx11";
    }

    /** {@code cxx11} or {@code precxx11}, for cache keys and messages. */
    public String abiName() {
        return cxx11Abi ? "cxx11" : "precxx11";
    }

    /**
     * The cache key of a JNI built for this libtorch: release, ABI, flavour and DJL version, e.g.
     * {@code 1.13.1-cxx11-cpu-djl0.33.0}. Two installations that agree on all four load the same JNI.
     */
    public String jniKey(String djlVersion) {
        return (version + "-" + abiName() + "-" + flavor().replace("-precxx11", "") + "-djl" + djlVersion)
                .toLowerCase(Locale.ROOT);
    }

    /** One line for messages: {@code PyTorch 1.13.1 (cpu, C++11 ABI) in /usr/lib/...}. */
    public String describe() {
        return "PyTorch " + version + " (" + cudaVersion.map(v -> "CUDA " + v).orElse("CPU") + ", "
                + (cxx11Abi ? "C++11 ABI" : "pre-C++11 ABI") + ") in " + libDir;
    }
}
