package dev.plaza.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-up side of the load benchmarks: one keep-alive connection for registering users, creating videos, reading
 * answers and metrics between load runs, plus the small helpers the benchmarks share.
 */
final class BenchClient {
    static final String FORM = "application/x-www-form-urlencoded";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private HttpLoad.Connection connection;

    BenchClient(String host, int port) {
        this.host = host;
        this.port = port;
        this.connection = new HttpLoad.Connection(host, port);
    }

    /** One call; a GET is retried once on a fresh connection (the server closes idle ones). */
    JsonNode call(String method, String path, String formBody, String authorization) throws IOException {
        return JSON.readTree(raw(method, path, formBody, authorization).body());
    }

    HttpLoad.Response raw(String method, String path, String formBody, String authorization) throws IOException {
        HttpLoad.Request r = new HttpLoad.Request(method, path, formBody == null ? null : FORM, formBody,
                authorization);
        try {
            return connection.send(r, host + ":" + port);
        } catch (IOException e) {
            reconnect();
            if (!method.equals("GET")) {
                throw e;
            }
            return connection.send(r, host + ":" + port);
        }
    }

    /** A fresh connection (after the set-up one sat idle through a load run). */
    void reconnect() {
        connection.closeQuietly();
        connection = new HttpLoad.Connection(host, port);
    }

    /** Registers and logs in {@code n} users named {@code prefix_i}; their {@code Authorization} values. */
    List<String> users(String prefix, int n) throws IOException {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = prefix + "_" + i;
            call("POST", "/x/passport/register", form("username", name, "password", "benchpass1"), null);
            JsonNode login = call("POST", "/x/passport/login", form("username", name, "password", "benchpass1"), null);
            tokens.add("Bearer " + login.path("data").path("token").asText());
        }
        return tokens;
    }

    /** A new video owned by the token's user; its aid. */
    long video(String token, String title) throws IOException {
        return call("POST", "/x/archive/add", form("title", title, "duration", "600",
                "media_url", "https://media.example/bench.mp4"), token).path("data").path("aid").asLong();
    }

    /** The sum of a Prometheus metric's samples whose line starts with {@code prefix} (name and labels). */
    double metric(String prefix) throws IOException {
        double sum = 0;
        for (String line : raw("GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith(prefix)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static boolean codeZero(HttpLoad.Response r) {
        return r.status() == 200 && r.body().startsWith("{\"code\":0,");
    }

    static String form(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** {@code --name value} pairs. */
    static Map<String, String> args(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            m.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return m;
    }
}
