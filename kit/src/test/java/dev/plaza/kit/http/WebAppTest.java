package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.http.HttpTestClient.Answer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The edge serving a web app from the class path ({@code src/test/resources/webtest}). */
class WebAppTest {
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        edge = HttpEdge.builder(new HttpEdgeConfig("127.0.0.1", 0, List.of(), 1 << 20, Duration.ofSeconds(1)))
                .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .webApp(new WebApp("webtest", List.of("/", "/video/{aid}", "/history")))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    @Test
    void everyPagePathAnswersTheAppWithAStrictContentSecurityPolicy() {
        for (String page : List.of("/", "/video/100001", "/history")) {
            Answer a = http.get(page).send();
            assertThat(a.status()).as(page).isEqualTo(200);
            assertThat(a.body()).contains("<title>test app</title>");
            assertThat(a.headers().get("content-type")).singleElement().asString().startsWith("text/html");
            assertThat(a.headers().get("content-security-policy")).singleElement().asString()
                    .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(a.headers().get("x-content-type-options")).containsExactly("nosniff");
        }
        assertThat(http.get("/x/ping").send().code()).as("the API routes stay").isZero();
        assertThat(http.get("/nope").send().status()).isEqualTo(404);
    }

    @Test
    void filesAreServedWithTheirTypeAndRevalidatedByETag() {
        Answer js = http.get("/static/js/app.js").send();
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.body()).isEqualTo("export const answer = 42;\n");
        assertThat(js.headers().get("content-type")).singleElement().asString().startsWith("text/javascript");
        String etag = js.headers().get("etag").getFirst();
        Answer again = http.get("/static/js/app.js").header("If-None-Match", etag).send();
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(http.get("/static/js/app.js").header("If-None-Match", "\"other\"").send().status())
                .isEqualTo(200);
    }

    @Test
    void onlyPlainNamesOfKnownTypesUnderTheRootAreServed() {
        assertThat(http.get("/static/missing.js").send().status()).isEqualTo(404);
        assertThat(http.get("/static/notes.exe").send().status()).as("unknown type").isEqualTo(404);
        assertThat(http.get("/static/js/../index.html").send().status()).as("climbing").isEqualTo(404);
        assertThat(http.get("/static/%2e%2e/webtest/index.html").send().status()).isEqualTo(404);
        assertThat(http.get("/static/.hidden.js").send().status()).isEqualTo(404);
    }
}
