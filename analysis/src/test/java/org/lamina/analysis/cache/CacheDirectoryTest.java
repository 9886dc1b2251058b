package org.lamina.analysis.cache;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache directory follows -Dlamina.cacheDir, then XDG_CACHE_HOME, then $HOME, then user.home. */
class CacheDirectoryTest {

    private static final String PASSWD_HOME = "/root";

    @Test
    void propertyWinsOverTheEnvironment() {
        assertThat(CacheDirectory.resolve(Map.of("XDG_CACHE_HOME", "/xdg", "HOME", "/home/u"), "/explicit", PASSWD_HOME))
                .isEqualTo(Path.of("/explicit"));
    }

    @Test
    void xdgCacheHomeIsHonoured() {
        assertThat(CacheDirectory.resolve(Map.of("XDG_CACHE_HOME", "/xdg", "HOME", "/home/u"), null, PASSWD_HOME))
                .isEqualTo(Path.of("/xdg/lamina"));
    }

    @Test
    void relativeOrEmptyXdgCacheHomeIsIgnored() {
        assertThat(CacheDirectory.resolve(Map.of("XDG_CACHE_HOME", "rel/cache", "HOME", "/home/u"), null, PASSWD_HOME))
                .isEqualTo(Path.of("/home/u/.cache/lamina"));
        assertThat(CacheDirectory.resolve(Map.of("XDG_CACHE_HOME", "", "HOME", "/home/u"), "  ", PASSWD_HOME))
                .isEqualTo(Path.of("/home/u/.cache/lamina"));
    }

    @Test
    void homeVariableWinsOverThePasswdHome() {
        assertThat(CacheDirectory.resolve(Map.of("HOME", "/sandbox/home"), null, PASSWD_HOME))
                .isEqualTo(Path.of("/sandbox/home/.cache/lamina"));
    }

    @Test
    void passwdHomeIsTheLastResort() {
        assertThat(CacheDirectory.resolve(Map.of(), null, PASSWD_HOME)).isEqualTo(Path.of("/root/.cache/lamina"));
    }
}
