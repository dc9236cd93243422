package dev.plaza.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on a running Plaza's comment system, compared with the same server's trivial route ({@code /x/ping}) in the
 * same run:
 * <ol>
 *   <li>trivial: {@code GET /x/ping};</li>
 *   <li>read: {@code GET /x/v2/reply} page 1 of a video with a full page of comments, cache warm;</li>
 *   <li>write: {@code POST /x/v2/reply/add} from many users;</li>
 *   <li>post-to-visible: post, then poll the time-sorted list until the new rpid is on page 1.</li>
 * </ol>
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.plaza.bench.load.CommentBench [--port 8080]
 * [--connections 64] [--seconds 15] [--warmup 5] [--users 200] [--samples 200]}. Start Plaza with write limits that
 * suit a load test (see docs/benchmarks.md).
 */
public final class CommentBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    private final String host;
    private final int port;
    private final HttpLoad.Connection admin;

    private CommentBench(String host, int port) {
        this.host = host;
        this.port = port;
        this.admin = new HttpLoad.Connection(host, port);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.getOrDefault("port", "8080"));
        int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
        Duration seconds = Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "15")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "5")));
        int users = Integer.parseInt(a.getOrDefault("users", "200"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "200"));
        new CommentBench(host, port).run(connections, warmup, seconds, users, samples);
    }

    private void run(int connections, Duration warmup, Duration duration, int userCount, int samples) throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            String name = "bench_" + runId + "_" + i;
            call("POST", "/x/passport/register", form("username", name, "password", "benchpass1"), null);
            JsonNode login = call("POST", "/x/passport/login", form("username", name, "password", "benchpass1"), null);
            tokens.add("Bearer " + login.path("data").path("token").asText());
        }
        JsonNode video = call("POST", "/x/archive/add", form("title", "bench video " + runId, "duration", "60",
                "media_url", "https://media.example/bench.mp4"), tokens.get(0));
        long aid = video.path("data").path("aid").asLong();
        for (int i = 0; i < 40; i++) {
            post(aid, tokens.get(i % tokens.size()), "seed comment " + i);
        }
        String listPath = "/x/v2/reply?type=1&oid=" + aid + "&pn=1&ps=20&sort=0";
        waitUntil(() -> call("GET", listPath, null, null).path("data").path("page").path("count").asInt() >= 40);
        call("GET", listPath, null, null);
        System.out.printf("video aid=%d, %d users, %d connections, %s warm-up, %s measured%n%n", aid, userCount,
                connections, warmup, duration);

        HttpLoad.Result trivial = HttpLoad.run("GET /x/ping (trivial)", host, port, connections, warmup, duration,
                i -> HttpLoad.Request.get("/x/ping"), CommentBench::codeZero);
        HttpLoad.Result read = HttpLoad.run("GET /x/v2/reply page 1 (warm)", host, port, connections, warmup, duration,
                i -> HttpLoad.Request.get(listPath), CommentBench::codeZero);
        AtomicLong seq = new AtomicLong();
        HttpLoad.Result write = HttpLoad.run("POST /x/v2/reply/add", host, port, connections, warmup, duration,
                i -> new HttpLoad.Request("POST", "/x/v2/reply/add", FORM,
                        form("type", "1", "oid", Long.toString(aid), "message",
                                "load " + runId + " " + seq.incrementAndGet()),
                        tokens.get(i % tokens.size())),
                CommentBench::codeZero);

        double[] visible = postToVisible(aid, tokens, samples, runId);
        System.out.println(HttpLoad.Result.header());
        System.out.println(trivial.row(trivial.throughput()));
        System.out.println(read.row(trivial.throughput()));
        System.out.println(write.row(trivial.throughput()));
        System.out.printf("%npost-to-visible (time-sorted page 1), %d samples: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", visible.length, pct(visible, 0.5), pct(visible, 0.9), pct(visible, 0.99),
                visible.length == 0 ? 0 : visible[visible.length - 1]);
    }

    /** Posts one comment at a time and polls page 1 of the time order until it shows; milliseconds per sample. */
    private double[] postToVisible(long aid, List<String> tokens, int samples, String runId) throws Exception {
        double[] out = new double[samples];
        String listPath = "/x/v2/reply?type=1&oid=" + aid + "&pn=1&ps=20&sort=0";
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            long rpid = post(aid, tokens.get(s % tokens.size()), "visible " + runId + " " + s);
            while (true) {
                JsonNode replies = call("GET", listPath, null, null).path("data").path("replies");
                boolean seen = false;
                for (JsonNode r : replies) {
                    if (r.path("rpid").asLong() == rpid) {
                        seen = true;
                        break;
                    }
                }
                if (seen) {
                    break;
                }
                if (System.nanoTime() - t0 > 30_000_000_000L) {
                    throw new IllegalStateException("rpid " + rpid + " not visible after 30 s");
                }
                Thread.sleep(5);
            }
            out[s] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(out);
        return out;
    }

    private long post(long aid, String token, String message) throws IOException {
        JsonNode r = call("POST", "/x/v2/reply/add", form("type", "1", "oid", Long.toString(aid), "message", message),
                token);
        if (r.path("code").asInt() != 0) {
            throw new IllegalStateException("post failed: " + r);
        }
        return r.path("data").path("rpid").asLong();
    }

    private JsonNode call(String method, String path, String formBody, String authorization) throws IOException {
        HttpLoad.Response resp = admin.send(new HttpLoad.Request(method, path, formBody == null ? null : FORM, formBody,
                authorization), host + ":" + port);
        return JSON.readTree(resp.body());
    }

    private static boolean codeZero(HttpLoad.Response r) {
        return r.status() == 200 && r.body().startsWith("{\"code\":0,");
    }

    private static String form(String... kv) {
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

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("seed comments not visible after 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            m.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return m;
    }
}
