package org.lamina.analysis.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remembered choice: where it lives, how it round-trips, how the links folder is laid out. */
class TorchSelectionTest {

    @TempDir
    Path tmp;

    @Test
    void configFolderFollowsPropertyThenXdgThenHome() {
        assertThat(TorchSelection.configDir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"), "/p", "/u")).isEqualTo(Path.of("/p"));
        assertThat(TorchSelection.configDir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"), null, "/u")).isEqualTo(Path.of("/x/lamina"));
        // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
        assertThat(TorchSelection.configDir(Map.of("XDG_CONFIG_HOME", "rel", "HOME", "/h"), "", "/u"))
                .isEqualTo(Path.of("/h/.config/lamina"));
        assertThat(TorchSelection.configDir(Map.of(), null, "/u")).isEqualTo(Path.of("/u/.config/lamina"));
    }

    @Test
    void theTestsRunWithAConfigFolderOfTheirOwn() {
        // Set by the build (pom.xml), so a developer's `lamina torch use` never reaches a test.
        assertThat(System.getProperty(TorchSelection.CONFIG_PROPERTY)).endsWith("test-config");
        assertThat(TorchSelection.configDir()).isEqualTo(Path.of(System.getProperty(TorchSelection.CONFIG_PROPERTY)));
    }

    @Test
    void savedChoiceLoadsBackAndIsForgotten() throws IOException {
        TorchSelection s = new TorchSelection(Path.of("/usr/lib/python3/dist-packages/torch"), tmp.resolve("links"), "1.13.1",
                "cpu", "cxx11", Path.of("/usr/lib/python3/dist-packages/torch/lib"), tmp.resolve("jni/libdjl_torch.so"));
        Path config = tmp.resolve("config");
        assertThat(TorchSelection.load(config)).isEmpty();
        s.save(config);
        assertThat(TorchSelection.load(config)).contains(s);
        // The links folder is missing: the choice reports it instead of letting DJL fail obscurely.
        assertThat(s.problem()).hasValueSatisfying(p -> assertThat(p).contains("lamina torch reset"));
        Files.createDirectories(s.links());
        Files.writeString(s.links().resolve("libtorch.so"), "ELF");
        assertThat(s.problem()).isEmpty();
        assertThat(TorchSelection.forget(config)).isTrue();
        assertThat(TorchSelection.forget(config)).isFalse();
        assertThat(TorchSelection.load(config)).isEmpty();
    }

    @Test
    void aDamagedConfigFileIsNamedWithTheWayOut() throws IOException {
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("torch.properties"), "path=/x\nversion=1.13.1\n");
        assertThatThrownBy(() -> TorchSelection.load(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("torch.properties has no 'links'").hasMessageContaining("lamina torch reset");
    }

    @Test
    void linksFolderOfASharedSystemFolderHoldsOnlyTorchsLibrariesAndTheJni() throws IOException {
        Path sys = tmp.resolve("usr/lib/x86_64-linux-gnu");
        Files.createDirectories(sys);
        for (String n : new String[] {"libtorch.so", "libtorch_cpu.so", "libc10.so", "libz.so.1", "libstdc++.so.6"}) {
            Files.writeString(sys.resolve(n), "ELF");
        }
        Path jni = tmp.resolve("jni/libdjl_torch.so");
        Files.createDirectories(jni.getParent());
        Files.writeString(jni, "JNI");
        TorchInstallation t = new TorchInstallation(tmp.resolve("usr"), sys, false, "1.13.1", "test", true, Optional.empty(),
                Optional.empty());
        Path links = TorchLinkFolder.prepare(tmp.resolve("cache"), t, jni);
        try (var s = Files.list(links)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("0.33.0-libdjl_torch.so", "libc10.so", "libtorch.so", "libtorch_cpu.so");
        }
        assertThat(Files.readSymbolicLink(links.resolve("libtorch.so"))).isEqualTo(sys.resolve("libtorch.so"));
    }

    @Test
    void linksFolderOfAWheelLinksEveryLibraryAndTheNvidiaPackageForOriginRunPaths() throws IOException {
        Path site = tmp.resolve("site-packages");
        Path lib = site.resolve("torch/lib");
        Files.createDirectories(lib);
        Files.createDirectories(site.resolve("nvidia/cublas/lib"));
        for (String n : new String[] {"libtorch.so", "libtorch_cpu.so", "libc10.so", "libgomp-a34b3233.so.1", "libtorch_python.so",
                "libtorch_cuda.so", "libc10_cuda.so"}) {
            Files.writeString(lib.resolve(n), "ELF");
        }
        Path jni = tmp.resolve("libdjl_torch.so");
        Files.writeString(jni, "JNI");
        TorchInstallation t = new TorchInstallation(site.resolve("torch"), lib, true, "2.5.1", "test", true, Optional.of("12.4"),
                Optional.empty());
        Path links = TorchLinkFolder.prepare(tmp.resolve("cache"), t, jni);
        assertThat(links.getFileName().toString()).isEqualTo("lib");
        assertThat(links.resolve("libgomp-a34b3233.so.1")).exists();
        assertThat(links.resolve("libtorch_cuda.so")).exists();
        assertThat(links.resolve("libtorch_python.so")).doesNotExist();
        // $ORIGIN/../../nvidia/cublas/lib from the links folder reaches the wheel's nvidia package.
        assertThat(links.resolve("../../nvidia/cublas/lib").normalize()).isDirectory();
    }
}
