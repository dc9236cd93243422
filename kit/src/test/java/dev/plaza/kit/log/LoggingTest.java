package dev.plaza.kit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        MDC.clear();
        Logging.reset();
    }

    @Test
    void jsonModeWritesOneObjectPerLineWithTraceAndStackTrace() throws IOException {
        Path file = dir.resolve("plaza.log");
        Logging.configure(new LogConfig("json", "INFO", Map.of(), Optional.of(file.toString())), "comment-service");

        Logger log = LoggerFactory.getLogger("dev.plaza.test.Json");
        try (var t = MDC.putCloseable(MdcKeys.TRACE_ID, TRACE); var s = MDC.putCloseable(MdcKeys.SPAN_ID, "00f067aa0ba902b7")) {
            log.error("reply {} failed", 42, new IllegalStateException("boom"));
        }
        log.debug("not at INFO");

        List<JsonNode> lines = readJsonLines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = lines.getFirst();
        assertThat(line.get("message").asText()).isEqualTo("reply 42 failed");
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("logger_name").asText()).isEqualTo("dev.plaza.test.Json");
        assertThat(line.get("thread_name").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(line.get("trace_id").asText()).isEqualTo(TRACE);
        assertThat(line.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(line.get("service").asText()).isEqualTo("comment-service");
        assertThat(line.get("stack_trace").asText()).contains("IllegalStateException: boom");
    }

    @Test
    void consoleModeShowsShortTraceId() throws IOException {
        Path file = dir.resolve("console.log");
        Logging.configure(new LogConfig("console", "INFO", Map.of(), Optional.of(file.toString())));

        Logger log = LoggerFactory.getLogger("dev.plaza.test.Console");
        try (var t = MDC.putCloseable(MdcKeys.TRACE_ID, TRACE)) {
            log.info("with trace");
        }
        log.info("without trace");

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("INFO  4bf92f35 [").endsWith("dev.plaza.test.Console - with trace")
                .doesNotContain(TRACE);
        assertThat(lines.get(1)).contains("INFO           [").endsWith(" - without trace");
    }

    @Test
    void perLoggerLevelsOverrideQuietDefaults() throws IOException {
        Path file = dir.resolve("levels.log");
        Logging.configure(new LogConfig("console", "WARN", Map.of("org.apache.kafka", "DEBUG"),
                Optional.of(file.toString())));

        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("jetty info is quiet");
        LoggerFactory.getLogger("org.apache.kafka.clients.Consumer").debug("kafka debug was asked for");
        LoggerFactory.getLogger("dev.plaza.Other").info("root is WARN");
        LoggerFactory.getLogger("dev.plaza.Other").warn("root warn shows");

        assertThat(Files.readAllLines(file)).hasSize(2)
                .anySatisfy(l -> assertThat(l).endsWith("kafka debug was asked for"))
                .anySatisfy(l -> assertThat(l).endsWith("root warn shows"));
    }

    @Test
    void julIsBridged() throws IOException {
        Path file = dir.resolve("jul.log");
        Logging.configure(new LogConfig("json", "INFO", Map.of(), Optional.of(file.toString())));

        java.util.logging.Logger.getLogger("io.grpc.internal.Fake").warning("grpc warns through JUL");
        java.util.logging.Logger.getLogger("io.grpc.internal.Fake").info("grpc info stays quiet");

        List<JsonNode> lines = readJsonLines(file);
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst().get("message").asText()).isEqualTo("grpc warns through JUL");
        assertThat(lines.getFirst().get("logger_name").asText()).isEqualTo("io.grpc.internal.Fake");
    }

    @Test
    void accessLogsCarryStructuredFieldsInJsonAndConsole() throws IOException {
        Path json = dir.resolve("access.json");
        Logging.configure(new LogConfig("json", "INFO", Map.of(), Optional.of(json.toString())));
        AccessLog.http("GET", "/x/v2/reply", 200, 0, 1_234_567, "10.0.0.1", TRACE);
        AccessLog.grpc("plaza.comment.v1.Comment/Post", "INTERNAL", 2_000_000, "10.0.0.2:5000");
        assertThat(MDC.get(MdcKeys.TRACE_ID)).isNull(); // the temporary trace id did not leak

        List<JsonNode> lines = readJsonLines(json);
        JsonNode http = lines.get(0);
        assertThat(http.get("logger_name").asText()).isEqualTo(AccessLog.LOGGER);
        assertThat(http.get("level").asText()).isEqualTo("INFO");
        assertThat(http.get("method").asText()).isEqualTo("GET");
        assertThat(http.get("route").asText()).isEqualTo("/x/v2/reply");
        assertThat(http.get("status").asInt()).isEqualTo(200);
        assertThat(http.get("code").asInt()).isEqualTo(0);
        assertThat(http.get("duration_ms").asDouble()).isEqualTo(1.235);
        assertThat(http.get("remote").asText()).isEqualTo("10.0.0.1");
        assertThat(http.get("trace_id").asText()).isEqualTo(TRACE);
        JsonNode grpc = lines.get(1);
        assertThat(grpc.get("level").asText()).isEqualTo("WARN"); // a server fault
        assertThat(grpc.get("code").asText()).isEqualTo("INTERNAL");
        assertThat(grpc.get("peer").asText()).isEqualTo("10.0.0.2:5000");

        Path console = dir.resolve("access.log");
        Logging.configure(new LogConfig("console", "INFO", Map.of(), Optional.of(console.toString())));
        AccessLog.http("POST", "/x/v2/reply/add", 503, -503, 5_000_000, "10.0.0.1", "");
        assertThat(Files.readString(console)).contains("WARN ")
                .contains("http method=POST route=/x/v2/reply/add status=503 code=-503 duration_ms=5.0 remote=10.0.0.1");
    }

    @Test
    void badConfigIsRejected() {
        assertThatThrownBy(() -> new LogConfig("xml", "INFO", Map.of(), Optional.empty()))
                .hasMessageContaining("json or console");
        assertThatThrownBy(() -> new LogConfig("json", "LOUD", Map.of(), Optional.empty()))
                .hasMessageContaining("got 'LOUD'");
        assertThatThrownBy(() -> new LogConfig("json", "INFO", Map.of("a.b", "x"), Optional.empty()))
                .hasMessageContaining("levels.a.b");
    }

    private static List<JsonNode> readJsonLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }
}
