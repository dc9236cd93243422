package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.http.HttpTestClient.Answer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEdgeTest {
    private static final Principal ALICE = new Principal(1, "alice", false, "c".repeat(32));
    private static final Principal ROOT = new Principal(2, "root", true, "");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger writes = new AtomicInteger();
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        Authenticator auth = token -> switch (token) {
            case "alice-token" -> Optional.of(ALICE);
            case "root-token" -> Optional.of(ROOT);
            default -> Optional.empty();
        };
        edge = HttpEdge.builder(new HttpEdgeConfig("127.0.0.1", 0, List.of("http://ui.example"), 2048,
                        Duration.ofSeconds(5)))
                .meterRegistry(meters)
                .authenticator(auth)
                .metricsScrape(() -> "plaza_test 1\n")
                .readiness("always", () -> true)
                .routes(r -> r
                        .get("/echo", Access.PUBLIC, req -> Map.of("n", req.intParam("n", 1, 10)))
                        .get("/colour", Access.PUBLIC, req -> Map.of("color", dev.plaza.kit.rpc.RpcMetadata.current()
                                .get("x-md-global-color").orElse("none")))
                        .get("/text", Access.PUBLIC, req -> "plaza ".repeat(req.intParam("n", 1, 10_000)))
                        .get("/me", Access.USER, req -> Map.of("mid", req.user().mid()))
                        .get("/maybe", Access.OPTIONAL_USER, req -> Map.of("anon", req.optionalUser().isEmpty()))
                        .post("/write", Access.USER, req -> Map.of("count", writes.incrementAndGet()))
                        .post("/admin", Access.ADMIN, req -> "ok")
                        .get("/boom", Access.PUBLIC, req -> {
                            throw new IllegalStateException("secret detail");
                        })
                        .get("/notfound", Access.PUBLIC, req -> {
                            throw PlazaError.notFound("THING_NOT_FOUND", "no such thing");
                        })
                        .get("/slow", Access.PUBLIC, req -> {
                            slowEntered.countDown();
                            slowRelease.await(5, TimeUnit.SECONDS);
                            return "done";
                        }))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        edge.close();
    }

    @Test
    void theCallersGlobalMetadataIsTheHandlersContextSoItsCallsCarryIt() {
        assertThat(http.get("/colour").header("x-md-global-color", "blue").send().data().path("color").asText())
                .isEqualTo("blue");
        assertThat(http.get("/colour").send().data().path("color").asText()).isEqualTo("none");
        assertThat(http.get("/colour").header("x-md-global-color", "bad\tvalue").send().data().path("color")
                .asText()).as("a malformed value is dropped, the request still served").isEqualTo("none");
    }

    @Test
    void envelopeAndValidation() {
        Answer ok = http.get("/echo").param("n", 3).send();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().toString()).isEqualTo("{\"code\":0,\"message\":\"0\",\"ttl\":1,\"data\":{\"n\":3}}");
        assertThat(ok.headers().get("x-request-id")).isNotEmpty();
        assertThat(ok.headers().get("x-trace-id")).isNotEmpty();

        Answer missing = http.get("/echo").send();
        assertThat(missing.code()).isEqualTo(-400);
        assertThat(missing.message()).contains("'n'");
        assertThat(http.get("/echo").param("n", "x").send().code()).isEqualTo(-400);
        assertThat(http.get("/echo").param("n", 11).send().code()).isEqualTo(-400);
        assertThat(http.get("/echo").param("n", "99999999999999999999").send().code()).isEqualTo(-400);
    }

    @Test
    void largeAnswersAreGzippedForClientsThatAcceptIt() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.function.BiFunction<Integer, String, java.net.http.HttpResponse<byte[]>> get = (n, enc) -> {
            var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.port()
                    + "/text?n=" + n));
            if (enc != null) {
                b.header("Accept-Encoding", enc);
            }
            try {
                return client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String expected = "{\"code\":0,\"message\":\"0\",\"ttl\":1,\"data\":\"" + "plaza ".repeat(1000) + "\"}";

        var zipped = get.apply(1000, "br, gzip;q=0.8");
        assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("vary")).hasValue("Accept-Encoding");
        assertThat(zipped.body().length).isLessThan(expected.length() / 10);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        }
        var plain = get.apply(1000, null);
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(get.apply(1000, "gzip;q=0").headers().firstValue("content-encoding")).isEmpty();
        assertThat(get.apply(3, "gzip").headers().firstValue("content-encoding")).as("small answers stay plain")
                .isEmpty();
    }

    @Test
    void acceptEncodingParsing() {
        assertThat(HttpEdge.acceptsGzip("gzip")).isTrue();
        assertThat(HttpEdge.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(HttpEdge.acceptsGzip("*")).isTrue();
        assertThat(HttpEdge.acceptsGzip("gzip;q=0, br")).isFalse();
        assertThat(HttpEdge.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(HttpEdge.acceptsGzip("identity")).isFalse();
        assertThat(HttpEdge.acceptsGzip(null)).isFalse();
    }

    @Test
    void trivialPingRoute() {
        Answer ping = http.get("/x/ping").send();
        assertThat(ping.code()).isZero();
        assertThat(ping.data().asText()).isEqualTo("pong");
    }

    @Test
    void givenRequestIdIsEchoedAndBadOnesReplaced() {
        assertThat(http.get("/echo").param("n", 1).header("X-Request-Id", "abc-123").send()
                .headers().get("x-request-id")).containsExactly("abc-123");
        assertThat(http.get("/echo").param("n", 1).header("X-Request-Id", "bad id with spaces").send()
                .headers().get("x-request-id").get(0)).isNotEqualTo("bad id with spaces");
    }

    @Test
    void authenticationLevels() {
        assertThat(http.get("/me").send().code()).isEqualTo(-101);
        assertThat(http.get("/me").bearer("wrong").send().code()).isEqualTo(-101);
        assertThat(http.get("/me").bearer("alice-token").send().data().path("mid").asLong()).isEqualTo(1);
        assertThat(http.get("/me").cookie("SESSDATA", "alice-token").send().data().path("mid").asLong()).isEqualTo(1);
        assertThat(http.get("/maybe").bearer("wrong").send().data().path("anon").asBoolean()).isTrue();
        assertThat(http.get("/maybe").bearer("alice-token").send().data().path("anon").asBoolean()).isFalse();
        assertThat(http.post("/admin").bearer("alice-token").send().code()).isEqualTo(-403);
        assertThat(http.post("/admin").bearer("root-token").send().code()).isZero();
    }

    @Test
    void cookieWritesNeedMatchingCsrfAndChangeNothingWithout() {
        String csrf = ALICE.csrfToken();
        assertThat(http.post("/write").cookie("SESSDATA", "alice-token").send().code()).isEqualTo(-111);
        assertThat(http.post("/write").cookie("SESSDATA", "alice-token").cookie("bili_jct", csrf).send().code())
                .isEqualTo(-111);
        assertThat(http.post("/write").cookie("SESSDATA", "alice-token").cookie("bili_jct", "x").param("csrf", "x")
                .send().code()).isEqualTo(-111);
        assertThat(writes.get()).isZero();
        assertThat(http.post("/write").cookie("SESSDATA", "alice-token").cookie("bili_jct", csrf).param("csrf", csrf)
                .send().code()).isZero();
        assertThat(http.post("/write").cookie("SESSDATA", "alice-token").cookie("bili_jct", csrf)
                .json("{\"csrf\":\"" + csrf + "\"}").send().code()).isZero();
        // bearer tokens are not sent by browsers on their own, so they need no csrf
        assertThat(http.post("/write").bearer("alice-token").send().code()).isZero();
        assertThat(writes.get()).isEqualTo(3);
    }

    @Test
    void errorsHaveShapeAndHideInternals() {
        Answer boom = http.get("/boom").send();
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.code()).isEqualTo(-500);
        assertThat(boom.body()).doesNotContain("secret detail");
        Answer nf = http.get("/notfound").send();
        assertThat(nf.status()).isEqualTo(200);
        assertThat(nf.code()).isEqualTo(-404);
        assertThat(nf.message()).isEqualTo("no such thing");
        Answer route = http.get("/nope").send();
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.code()).isEqualTo(-404);
    }

    @Test
    void oversizedBodyIsRejected() {
        Answer big = http.post("/write").bearer("alice-token").param("blob", "x".repeat(10_000)).send();
        assertThat(big.code()).isEqualTo(-400);
        assertThat(writes.get()).isZero();
    }

    @Test
    void metricsHealthAndCors() {
        http.get("/echo").param("n", 2).send();
        http.get("/echo").send();
        assertThat(meters.get("http.server.requests").tag("route", "/echo").tag("code", "0").timer().count()).isEqualTo(1);
        assertThat(meters.get("http.server.requests").tag("route", "/echo").tag("code", "-400").timer().count()).isEqualTo(1);
        assertThat(http.get("/metrics").send().body()).contains("plaza_test 1");
        assertThat(http.get("/health/ready").send().status()).isEqualTo(200);
        Answer cors = http.get("/echo").param("n", 1).header("Origin", "http://ui.example").send();
        assertThat(cors.headers().get("access-control-allow-origin")).containsExactly("http://ui.example");
        Answer foreign = http.get("/echo").param("n", 1).header("Origin", "http://evil.example").send();
        assertThat(foreign.headers().get("access-control-allow-origin")).isNull();
    }

    @Test
    void closeDrainsInFlightRequests() throws Exception {
        AtomicInteger slowCode = new AtomicInteger(Integer.MIN_VALUE);
        var slow = Thread.ofVirtual().start(() -> slowCode.set(http.get("/slow").send().code()));
        assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
        var closer = Thread.ofVirtual().start(edge::close);
        Thread.sleep(200);
        assertThat(closer.isAlive()).as("close waits for the in-flight request").isTrue();
        slowRelease.countDown();
        closer.join(5000);
        slow.join(5000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(slowCode.get()).as("the in-flight request completed normally").isZero();
    }
}
