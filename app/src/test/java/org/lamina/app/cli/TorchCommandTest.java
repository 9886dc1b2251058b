package org.lamina.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina torch}: what needs no libtorch build (the build itself: InstalledTorchEndToEndTest). */
class TorchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void statusWithoutAChoiceSaysBundledAndResetIsHarmless() {
        CliRun.Result reset = CliRun.run("torch", "reset");
        assertThat(reset.code()).isZero();
        assertThat(reset.out()).contains("bundled CPU natives (PyTorch 2.5.1)");
        CliRun.Result status = CliRun.run("torch", "status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("libtorch     bundled").contains("engine       DJL 0.33.0 / PyTorch 2.5.1")
                .contains("test-config");
    }

    @Test
    void aFolderWithoutLibtorchIsBadInput() {
        CliRun.Result r = CliRun.run("torch", "use", tmp.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("no libtorch.so in " + tmp).contains("PyTorch package folder");
    }

    @Test
    void aLibtorchWithoutItsCmakeFilesNamesThePackageThatBringsThem() throws IOException {
        Path lib = tmp.resolve("libtorch/lib");
        Files.createDirectories(lib);
        Files.writeString(lib.resolve("libtorch.so"), "ELF");
        Files.writeString(lib.resolve("libc10.so"), "__cxx11");
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.3.1+cpu\n");
        CliRun.Result r = CliRun.run("torch", "use", tmp.resolve("libtorch").toString(), "--djl-src", tmp.toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        // Either a build tool is missing on this machine (named with its package) or, with all of
        // them present, the headers/CMake files are: both are refusals before anything is built.
        assertThat(r.err()).containsAnyOf("libtorch-dev", "Debian package");
        assertThat(tmp.resolve("libtorch/lib")).isDirectoryNotContaining("glob:**djl*");
    }
}
