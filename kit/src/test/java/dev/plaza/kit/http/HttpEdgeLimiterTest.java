package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        edge = HttpEdge.builder(new HttpEdgeConfig("127.0.0.1", 0, List.of("http://ui.example"), 1 << 20,
                        Duration.ofSeconds(10)))
                .meterRegistry(meters)
                .metricsScrape(() -> "plaza_test 1\n")
                .limiter(limiter)
                .routes(r -> r.get("/echo", Access.PUBLIC, req -> Map.of("n", handled.incrementAndGet())))
                .routes(r -> r.get("/boom", Access.PUBLIC, req -> {
                    throw new IllegalStateException("boom");
                }))
                .routes(r -> r.post("/slot", Access.PUBLIC, req -> Map.of("inFlight", limiter.inFlight())))
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
        assertThat(shed.body()).as("the pre-rendered envelope of the limiter's error")
                .isEqualTo("{\"code\":-503,\"message\":\"server overloaded, try again later\",\"ttl\":1}");
        assertThat(shed.headers().get("content-type")).containsExactly("application/json; charset=utf-8");
        assertThat(shed.headers()).as("refused before a request id or a span is made").doesNotContainKey("x-trace-id");
        assertThat(handled).hasValue(1);
        assertThat(limiter.dropped()).isEqualTo(1);
        Timer refused = meters.find("http.server.requests").tag("route", AdmissionHandler.SHED_ROUTE)
                .tag("method", "GET").tag("code", "-503").timer();
        assertThat(refused).isNotNull();
        assertThat(refused.count()).isEqualTo(1);

        held.forEach(Allowance::done);
        held.clear();
        assertThat(http.get("/echo").send().code()).isZero();
    }

    @Test
    void theAdmittedRequestHoldsItsSlotUntilItsAnswerIsBuilt() {
        Answer a = http.post("/slot").send();
        assertThat(a.data().get("inFlight").asLong()).as("its own slot, taken before the handler ran").isEqualTo(1);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.passed()).isEqualTo(1);
    }

    @Test
    void unmatchedPathsAndFailingHandlersFreeTheirSlots() {
        assertThat(http.get("/no/such/route").send().status()).isEqualTo(404);
        assertThat(http.get("/boom").send().status()).isEqualTo(500);
        assertThat(limiter.passed()).isEqualTo(2);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void aRefusalToAnAllowedOriginCarriesTheCorsHeaders() {
        overload(2);
        Answer shed = http.get("/echo").header("Origin", "http://ui.example").send();
        assertThat(shed.status()).isEqualTo(503);
        assertThat(shed.headers().get("access-control-allow-origin")).containsExactly("http://ui.example");

        Answer other = http.get("/echo").header("Origin", "http://evil.example").send();
        assertThat(other.status()).isEqualTo(503);
        assertThat(other.headers()).doesNotContainKey("access-control-allow-origin");
    }

    @Test
    void refusalsKeepTheConnectionAndManyOfThemInARowAllAnswer() {
        overload(2);
        for (int i = 0; i < 200; i++) {
            assertThat(http.get("/echo").send().status()).isEqualTo(503);
        }
        assertThat(limiter.dropped()).isEqualTo(200);
        assertThat(handled).hasValue(0);
    }

    @Test
    void healthMetricsAndPreflightsAreNeverLimited() throws Exception {
        overload(10);

        assertThat(http.get("/health/ready").send().status()).isEqualTo(200);
        assertThat(http.get("/health/live").send().status()).isEqualTo(200);
        assertThat(http.get("/metrics").send().status()).isEqualTo(200);
        assertThat(preflight("/echo")).as("a CORS preflight").isEqualTo(204);
        assertThat(limiter.dropped()).isZero();
        assertThat(http.get("/echo").send().status()).isEqualTo(503);
    }

    private int preflight(String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://ui.example")
                    .header("Access-Control-Request-Method", "GET")
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
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
