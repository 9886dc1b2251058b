package org.lamina.analysis.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Detection of release, ABI and flavour from fake folder layouts (no real libtorch needed). */
class TorchInstallationDetectorTest {

    @TempDir
    Path tmp;

    private static final TorchInstallationDetector NO_DPKG = new TorchInstallationDetector(p -> Optional.empty());

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    /** A pip wheel's torch/ folder: version.py, lib/, share/cmake/Torch. */
    private Path wheel(String version, String cuda, String abiFlag) throws IOException {
        Path torch = tmp.resolve("site-packages/torch");
        write(torch.resolve("version.py"), "from typing import Optional\n__all__ = ['__version__']\n__version__ = '" + version
                + "'\ndebug = False\ncuda: Optional[str] = " + (cuda == null ? "None" : "'" + cuda + "'")
                + "\ngit_version = 'abc'\nhip: Optional[str] = None\n");
        write(torch.resolve("lib/libtorch.so"), "ELF");
        write(torch.resolve("lib/libc10.so"), "ELF");
        write(torch.resolve("share/cmake/Torch/TorchConfig.cmake"),
                "if(CMAKE_SYSTEM_NAME STREQUAL \"Linux\")\n  set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=" + abiFlag + "\")\nendif()\n");
        write(torch.resolve("share/cmake/Torch/TorchConfigVersion.cmake"), "set(PACKAGE_VERSION \"" + version + "\")\n");
        return torch;
    }

    @Test
    void cpuWheelWithTheOldAbi() throws IOException {
        TorchInstallation t = NO_DPKG.detect(wheel("2.5.1+cpu", null, "0"));
        assertThat(t.version()).isEqualTo("2.5.1");
        assertThat(t.cuda()).isFalse();
        assertThat(t.cxx11Abi()).isFalse();
        assertThat(t.flavor()).isEqualTo("cpu-precxx11");
        assertThat(t.libDir()).isEqualTo(tmp.resolve("site-packages/torch/lib"));
        assertThat(t.ownLibDir()).isTrue();
        assertThat(t.cmakePrefix()).contains(tmp.resolve("site-packages/torch/share/cmake/Torch"));
        assertThat(t.jniKey("0.33.0")).isEqualTo("2.5.1-precxx11-cpu-djl0.33.0");
    }

    @Test
    void cudaWheelWithTheNewAbi() throws IOException {
        TorchInstallation t = NO_DPKG.detect(wheel("2.4.0+cu124", "12.4", "1"));
        assertThat(t.version()).isEqualTo("2.4.0");
        assertThat(t.cudaVersion()).contains("12.4");
        assertThat(t.flavor()).isEqualTo("cu124");
        assertThat(t.jniKey("0.33.0")).isEqualTo("2.4.0-cxx11-cu124-djl0.33.0");
    }

    @Test
    void rocmWheelIsRefused() throws IOException {
        Path torch = wheel("2.5.1+rocm6.2", null, "1");
        write(torch.resolve("version.py"), "__version__ = '2.5.1+rocm6.2'\ncuda = None\nhip = '6.2.41133'\n");
        assertThatThrownBy(() -> NO_DPKG.detect(torch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ROCm").hasMessageContaining("hip 6.2.41133");
    }

    @Test
    void libtorchArchiveReadsBuildVersionAndItsCudaSuffix() throws IOException {
        Path root = tmp.resolve("libtorch");
        write(root.resolve("build-version"), "2.1.2+cu121\n");
        write(root.resolve("lib/libtorch.so"), "ELF");
        write(root.resolve("lib/libtorch_cuda.so"), "ELF");
        write(root.resolve("share/cmake/Torch/TorchConfig.cmake"), "set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=1\")\n");
        TorchInstallation t = NO_DPKG.detect(root);
        assertThat(t.version()).isEqualTo("2.1.2");
        assertThat(t.versionSource()).contains("build-version");
        assertThat(t.flavor()).isEqualTo("cu121");
        assertThat(t.ownLibDir()).isTrue();
        // Its lib folder names the same installation.
        assertThat(NO_DPKG.detect(root.resolve("lib")).version()).isEqualTo("2.1.2");
    }

    @Test
    void debianPrefixUsesTheMultiarchFolderThePackageVersionAndTheHeaderAsFallback() throws IOException {
        Path usr = tmp.resolve("usr");
        Path lib = usr.resolve("lib/x86_64-linux-gnu");
        write(lib.resolve("libtorch.so"), "ELF");
        // The ABI comes from libc10's symbols when there is no TorchConfig.cmake.
        write(lib.resolve("libc10.so"), "....._ZN3c106detail14torchCheckFailEPKcS2_jRKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE...");
        write(usr.resolve("include/torch/csrc/api/include/torch/version.h"),
                "#define TORCH_VERSION_MAJOR 1\n#define TORCH_VERSION \\\n  \"1.13.0\"\n");
        TorchInstallation fromHeader = NO_DPKG.detect(usr);
        assertThat(fromHeader.libDir()).isEqualTo(lib);
        assertThat(fromHeader.version()).isEqualTo("1.13.0");
        assertThat(fromHeader.cxx11Abi()).isTrue();
        assertThat(fromHeader.flavor()).isEqualTo("cpu");
        assertThat(fromHeader.cmakePrefix()).isEmpty();

        // Debian's build says 1.13.0 everywhere in the tree; the owning package knows it is 1.13.1.
        TorchInstallation fromPackage = new TorchInstallationDetector(p -> Optional.of("1.13.1+dfsg-4")).detect(usr);
        assertThat(fromPackage.version()).isEqualTo("1.13.1");
        assertThat(fromPackage.versionSource()).contains("Debian package").contains("1.13.1+dfsg-4");
    }

    @Test
    void oldAbiIsReadFromSymbolsWhenThereIsNoCmakeConfig() throws IOException {
        Path lib = tmp.resolve("lib");
        write(lib.resolve("libtorch.so"), "ELF");
        write(lib.resolve("libc10.so"), "_ZN3c106detail14torchCheckFailEPKcS2_jRKSs");
        write(tmp.resolve("include/torch/csrc/api/include/torch/version.h"), "#define TORCH_VERSION \"2.0.1\"\n");
        TorchInstallation t = NO_DPKG.detect(lib);
        assertThat(t.cxx11Abi()).isFalse();
        assertThat(t.flavor()).isEqualTo("cpu-precxx11");
    }

    @Test
    void aFolderWithoutLibtorchIsRefusedNamingWhatWasLookedFor() throws IOException {
        Files.createDirectories(tmp.resolve("empty/lib"));
        assertThatThrownBy(() -> NO_DPKG.detect(tmp.resolve("empty"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no libtorch.so in " + tmp.resolve("empty")).hasMessageContaining("PyTorch package folder");
        assertThatThrownBy(() -> NO_DPKG.detect(tmp.resolve("missing"))).hasMessageContaining("is not a folder");
    }

    @Test
    void aLibraryWithoutAnyVersionFileIsRefused() throws IOException {
        write(tmp.resolve("bare/libtorch.so"), "ELF");
        assertThatThrownBy(() -> NO_DPKG.detect(tmp.resolve("bare"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot tell which PyTorch release");
    }

    @Test
    void jniBuildRefusesReleasesItsSourcesDoNotSupportAndPicksTheApiGeneration() {
        assertThat(JniBuild.ptVersionDefine("1.13.1")).contains("V1_13_X");
        assertThat(JniBuild.ptVersionDefine("2.1.2")).contains("V1_13_X");
        assertThat(JniBuild.ptVersionDefine("2.5.1")).isEmpty();
        assertThatThrownBy(() -> JniBuild.ptVersionDefine("1.12.1")).hasMessageContaining("too old");
    }
}
