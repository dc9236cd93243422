package dev.plaza.kit.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small HTTP client for tests of the edge: form posts, bearer tokens and cookies, answers parsed as the envelope.
 * Shipped in plaza-kit's test-jar so every module tests its routes the same way.
 */
public final class HttpTestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpTestClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public static HttpTestClient local(int port) {
        return new HttpTestClient("http://127.0.0.1:" + port);
    }

    public Call get(String path) {
        return new Call("GET", path);
    }

    public Call post(String path) {
        return new Call("POST", path);
    }

    /** The answer: HTTP status, headers, raw body and the parsed envelope when the body is JSON. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public int code() {
            return json().path("code").asInt(Integer.MIN_VALUE);
        }

        public String message() {
            return json().path("message").asText();
        }

        public JsonNode data() {
            return json().path("data");
        }

        public List<String> setCookies() {
            return headers.getOrDefault("set-cookie", List.of());
        }

        /** The value of a cookie set by this answer, or null. */
        public String cookie(String name) {
            for (String c : setCookies()) {
                if (c.startsWith(name + "=")) {
                    return c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> cookies = new ArrayList<>();
        private String jsonBody;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Call param(String name, Object value) {
            params.put(name, String.valueOf(value));
            return this;
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Call bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        public Call cookie(String name, String value) {
            cookies.add(name + "=" + value);
            return this;
        }

        public Call json(String body) {
            this.jsonBody = body;
            return this;
        }

        public Answer send() {
            String query = params.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            HttpRequest.Builder b;
            if (method.equals("GET")) {
                b = HttpRequest.newBuilder(URI.create(base + path + (query.isEmpty() ? "" : "?" + query))).GET();
            } else if (jsonBody != null) {
                b = HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
            } else {
                b = HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, HttpRequest.BodyPublishers.ofString(query));
            }
            headers.forEach(b::header);
            if (!cookies.isEmpty()) {
                b.header("Cookie", String.join("; ", cookies));
            }
            try {
                HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Answer(r.statusCode(), r.headers().map(), r.body());
            } catch (IOException e) {
                throw new AssertionError(method + " " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
