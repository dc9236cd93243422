package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.limit.KeyedRateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-IP and per-user token buckets at the edge, on a stopped clock so only the burst counts. */
class HttpEdgeRateLimitTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger handled = new AtomicInteger();
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        KeyedRateLimiter perIp = new KeyedRateLimiter("ip", 1, 10, Duration.ofMinutes(1), 1000, now::get, null);
        KeyedRateLimiter perUser = new KeyedRateLimiter("user", 1, 3, Duration.ofMinutes(1), 1000, now::get, null);
        Authenticator auth = token -> token.startsWith("u") ? Optional.of(new Principal(
                Long.parseLong(token.substring(1)), "user", false, "csrf")) : Optional.empty();
        edge = HttpEdge.builder(HttpEdgeConfig.local(0))
                .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .authenticator(auth)
                .rateLimits(perIp, perUser)
                .readiness("always", () -> true)
                .routes(r -> r.get("/me", Access.USER, req -> Map.of("n", handled.incrementAndGet())))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    @Test
    void eachUserHasABucketAndTheAddressOneAboveThem() {
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/me").bearer("u1").send().code()).isZero();
        }
        Answer refused = http.get("/me").bearer("u1").send();
        assertThat(refused.code()).isEqualTo(-509);
        assertThat(refused.body()).contains("too many requests from this user").doesNotContain("\"n\"");
        assertThat(http.get("/me").bearer("u2").send().code()).as("another user, same address").isZero();
        for (int i = 0; i < 5; i++) {
            http.get("/me").bearer("u" + (10 + i)).send();
        }
        // the address's 10 tokens are spent (4 + 1 + 5), whoever asks next
        assertThat(http.get("/me").bearer("u99").send().code()).isEqualTo(-509);
        assertThat(http.get("/health/ready").send().status()).as("health is never limited").isEqualTo(200);
        assertThat(handled).hasValue(3 + 1 + 5);
    }
}
