package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults bind, and the availability keys read as documented. */
class StandaloneConfigTest {
    @TempDir
    Path dir;

    private StandaloneConfig load(String yaml, String... sets) throws Exception {
        Path file = dir.resolve("plaza.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(PlazaMain.DEFAULTS, Optional.of(file), Map.of(), List.of(sets))
                .bind(StandaloneConfig.class);
    }

    @Test
    void theDefaultsBindWithTheLimiterOnAndTheEdgeBucketsOff() throws Exception {
        StandaloneConfig cfg = load("{}");
        assertThat(cfg.limiter().enabled()).isTrue();
        assertThat(cfg.limiter().cpuThreshold()).isEqualTo(800);
        assertThat(cfg.rateLimit().perIpRate()).isZero();
        assertThat(cfg.grpc().methodTimeouts()).isEmpty();
        assertThat(cfg.grpc().fallbacks()).containsExactly(new StandaloneConfig.MethodFallback(
                "plaza.account.v1.Account/GetProfiles", dev.plaza.kit.rpc.Fallback.STALE_OR_EMPTY));
    }

    @Test
    void methodTimeoutsAreAListOfMethodAndTimeout() throws Exception {
        StandaloneConfig cfg = load("""
                grpc:
                  methodTimeouts:
                    - method: plaza.comment.v1.Comment/ListRoots
                      timeout: 800ms
                """, "rateLimit.perUserRate=20");
        assertThat(cfg.grpc().methodTimeouts()).containsExactly(new StandaloneConfig.MethodTimeout(
                "plaza.comment.v1.Comment/ListRoots", Duration.ofMillis(800)));
        assertThat(cfg.rateLimit().perUserRate()).isEqualTo(20);
        assertThatThrownBy(() -> load("""
                grpc:
                  methodTimeouts:
                    - method: ListRoots
                      timeout: 1s
                """)).hasMessageContaining("package.Service/Method");
    }
}
