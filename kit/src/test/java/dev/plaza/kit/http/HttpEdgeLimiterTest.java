package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter on the HTTP edge. Its clock stands still, so the window stays empty and maxInFlight stays 1; the test
 * holds limiter slots itself (at a cool CPU, then heats it) to put the edge over the limit, no load needed.
 */
class HttpEdgeLimiterTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger cpu = new AtomicInteger();
    private final BbrLimiter limiter = BbrLimiter.builder("http-test", cpu::get).nanoClock(() -> 42L).build();
    private final AtomicInteger handled = new AtomicInteger();
    private final List<Allowance> held = new ArrayList<>();
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        edge = HttpEdge.builder(HttpEdgeConfig.local(0))
                .meterRegistry(meters)
                .metricsScrape(() -> "plaza_test 1\n")
                .limiter(limiter)
                .routes(r -> r.get("/echo", Access.PUBLIC, req -> Map.of("n", handled.incrementAndGet())))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        held.forEach(Allowance::done);
        edge.close();
    }

    /** n requests in flight, then the CPU turns hot. */
    private void overload(int n) {
        for (int i = 0; i < n; i++) {
            held.add(limiter.allow());
        }
        cpu.set(1000);
    }

    @Test
    void shedRequestsAnswer503WithCodeMinus503BeforeTheHandler() {
        assertThat(http.get("/echo").send().code()).isZero();
        assertThat(limiter.inFlight()).as("the slot is freed when the answer is built").isZero();
        assertThat(limiter.passed()).isEqualTo(1);

        overload(2); // over maxInFlight 1
        Answer shed = http.get("/echo").send();

        assertThat(shed.status()).isEqualTo(503);
        assertThat(shed.code()).isEqualTo(-503);
        assertThat(shed.message()).contains("overloaded");
        assertThat(shed.headers().get("x-trace-id")).isNotEmpty();
        assertThat(handled).hasValue(1);
        Timer refused = meters.find("http.server.requests").tag("route", "/echo").tag("code", "-503").timer();
        assertThat(refused).isNotNull();
        assertThat(refused.count()).isEqualTo(1);

        held.forEach(Allowance::done);
        held.clear();
        assertThat(http.get("/echo").send().code()).isZero();
    }

    @Test
    void healthAndMetricsAreNeverLimited() {
        overload(10);

        assertThat(http.get("/health/ready").send().status()).isEqualTo(200);
        assertThat(http.get("/health/live").send().status()).isEqualTo(200);
        assertThat(http.get("/metrics").send().status()).isEqualTo(200);
        assertThat(limiter.dropped()).isZero();
        assertThat(http.get("/echo").send().status()).isEqualTo(503);
    }

    @Test
    void aSheddableRequestIsShedBeforeADefaultOne() {
        assertThat(http.get("/echo").send().code()).isZero(); // one pass: maxInFlight 1
        overload(1); // at the limit, not over it

        assertThat(http.get("/echo").header("x-md-global-criticality", "sheddable").send().status())
                .as("sheddable: refused from 0.8 x the limit").isEqualTo(503);
        assertThat(http.get("/echo").send().code()).as("default: still admitted at the limit").isZero();
    }
}
