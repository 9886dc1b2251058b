package org.lamina.analysis.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Missing build tools are named with the Debian packages that bring them. */
class BuildToolsTest {

    @TempDir
    Path tmp;

    private Path executable(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private Path jdk() throws IOException {
        Path home = tmp.resolve("jdk");
        Files.createDirectories(home.resolve("include/linux"));
        Files.writeString(home.resolve("include/jni.h"), "");
        Files.writeString(home.resolve("include/linux/jni_md.h"), "");
        executable(home.resolve("bin/javac"));
        return home;
    }

    @Test
    void nothingInstalledNamesEveryPackage() {
        assertThatThrownBy(() -> BuildTools.find(tmp.resolve("bin").toString(), List.of(tmp.resolve("jre"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cmake (Debian package cmake)")
                .hasMessageContaining("make (Debian package make)")
                .hasMessageContaining("c++ (Debian package g++)")
                .hasMessageContaining("JDK headers (jni.h) and javac (Debian package openjdk-17-jdk-headless)")
                .hasMessageContaining("apt-get install cmake make g++ openjdk-17-jdk-headless");
    }

    @Test
    void onlyTheMissingOnesAreNamed() throws IOException {
        Path bin = tmp.resolve("bin");
        executable(bin.resolve("cmake"));
        executable(bin.resolve("make"));
        assertThatThrownBy(() -> BuildTools.find(bin.toString(), List.of(jdk())))
                .hasMessageContaining("c++ (Debian package g++)").hasMessageNotContaining("cmake (")
                .hasMessageNotContaining("openjdk").hasMessageContaining("apt-get install g++");
    }

    @Test
    void aJreWithoutHeadersIsNotAJdk() throws IOException {
        Path bin = tmp.resolve("bin");
        executable(bin.resolve("cmake"));
        executable(bin.resolve("make"));
        executable(bin.resolve("g++"));
        Path jre = tmp.resolve("jre");
        executable(jre.resolve("bin/java"));
        assertThatThrownBy(() -> BuildTools.find(bin.toString(), List.of(jre)))
                .hasMessageContaining("openjdk-17-jdk-headless").hasMessageContaining(jre.toString());
        BuildTools found = BuildTools.find(bin.toString(), List.of(jre, jdk()));
        assertThat(found.jdk()).isEqualTo(tmp.resolve("jdk"));
        assertThat(found.cxx()).isEqualTo(bin.resolve("g++"));
        assertThat(found.javac()).isEqualTo(tmp.resolve("jdk/bin/javac"));
    }
}
