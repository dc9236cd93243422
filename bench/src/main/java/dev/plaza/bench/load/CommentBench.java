package dev.plaza.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
 *   <li>write: {@code POST /x/v2/reply/add} from many users, to one video (a hot subject: its events are applied in
 *   order, one partition) and spread over {@code --videos}; then how fast the job applied them;</li>
 *   <li>post-to-visible: post, then poll the time-sorted list until the new rpid is on page 1; on an idle server and
 *   with background load.</li>
 * </ol>
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.plaza.bench.load.CommentBench [--port 8080]
 * [--connections 64] [--seconds 15] [--warmup 5] [--users 200] [--samples 200] [--videos 20] [--background-rate 1000] [--only read]}. Start Plaza with write limits that
 * suit a load test (see docs/benchmarks.md).
 */
public final class CommentBench {
    private static final String FORM = BenchClient.FORM;

    private final String host;
    private final int port;
    private boolean readsOnly;
    private int backgroundRate = 1000;
    private final BenchClient admin;

    private CommentBench(String host, int port) {
        this.host = host;
        this.port = port;
        this.admin = new BenchClient(host, port);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchClient.args(argv);
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.getOrDefault("port", "8080"));
        int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
        Duration seconds = Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "15")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "5")));
        int users = Integer.parseInt(a.getOrDefault("users", "200"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "200"));
        int videos = Integer.parseInt(a.getOrDefault("videos", "20"));
        CommentBench bench = new CommentBench(host, port);
        bench.readsOnly = a.getOrDefault("only", "").equals("read");
        bench.backgroundRate = Integer.parseInt(a.getOrDefault("background-rate", "1000"));
        bench.run(connections, warmup, seconds, users, samples, videos);
    }

    private void run(int connections, Duration warmup, Duration duration, int userCount, int samples, int spreadVideos)
            throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<String> tokens = admin.users("bench_" + runId, userCount);
        long aid = admin.video(tokens.get(0), "bench video " + runId);
        for (int i = 0; i < 40; i++) {
            post(aid, tokens.get(i % tokens.size()), "seed comment " + i);
        }
        String listPath = "/x/v2/reply?type=1&oid=" + aid + "&pn=1&ps=20&sort=0";
        waitUntil(() -> admin.call("GET", listPath, null, null).path("data").path("page").path("count").asInt() >= 40);
        admin.call("GET", listPath, null, null);
        List<Long> spread = new ArrayList<>();
        for (int v = 0; v < spreadVideos; v++) {
            spread.add(admin.video(tokens.get(v % tokens.size()), "bench spread " + runId + " " + v));
        }
        System.out.printf("video aid=%d (+%d spread videos), %d users, %d connections, %s warm-up, %s measured%n%n",
                aid, spreadVideos, userCount, connections, warmup, duration);
        System.out.println(HttpLoad.Result.header());

        HttpLoad.Result trivial = HttpLoad.run("GET /x/ping (trivial)", host, port, connections, warmup, duration,
                i -> HttpLoad.Request.get("/x/ping"), BenchClient::codeZero);
        System.out.println(trivial.row(trivial.throughput()));
        HttpLoad.Result read = HttpLoad.run("GET /x/v2/reply page 1 (warm)", host, port, connections, warmup, duration,
                i -> HttpLoad.Request.get(listPath), BenchClient::codeZero);
        System.out.println(read.row(trivial.throughput()));
        if (readsOnly) {
            return;
        }

        AtomicLong seq = new AtomicLong();
        List<String> drains = new ArrayList<>();
        long[] before = totalCount(List.of(aid));
        long t0 = System.nanoTime();
        HttpLoad.Result hot = HttpLoad.run("POST /x/v2/reply/add, one video", host, port, connections, warmup, duration,
                i -> postRequest(aid, tokens.get(i % tokens.size()), runId, seq.incrementAndGet()),
                BenchClient::codeZero);
        System.out.println(hot.row(trivial.throughput()));
        drains.add(drain("one video", List.of(aid), before, t0));

        before = totalCount(spread);
        t0 = System.nanoTime();
        HttpLoad.Result wide = HttpLoad.run("POST /x/v2/reply/add, " + spreadVideos + " videos", host, port, connections,
                warmup, duration,
                i -> postRequest(spread.get(i % spread.size()), tokens.get(i % tokens.size()), runId,
                        seq.incrementAndGet()),
                BenchClient::codeZero);
        System.out.println(wide.row(trivial.throughput()));
        drains.add(drain(spreadVideos + " videos", spread, before, t0));
        System.out.println();
        drains.forEach(System.out::println);

        double[] idle = postToVisible(aid, tokens, samples, runId + "i");
        printVisible("idle", idle);
        // the same while the site is busy but not saturated: 16 connections at a fixed total rate, one request in
        // five a post to the spread videos, the rest reads of this video
        AtomicLong bg = new AtomicLong();
        // long enough to cover the samples (each takes up to about a second: see docs/benchmarks.md)
        Duration backgroundFor = Duration.ofSeconds(samples * 11L / 10 + 10);
        Thread background = Thread.ofPlatform().start(() -> {
            try {
                HttpLoad.runPaced("background", host, port, 16, backgroundFor, backgroundRate,
                        i -> i % 5 == 0
                                ? postRequest(spread.get(i % spread.size()), tokens.get(i % tokens.size()), runId,
                                bg.incrementAndGet())
                                : HttpLoad.Request.get(listPath),
                        BenchClient::codeZero);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(1000);
        double[] busy = postToVisible(aid, tokens, samples, runId + "b");
        printVisible("with background load (" + backgroundRate + " requests/s: 20% posts to other videos, 80% reads"
                + " of this one)", busy);
        background.join();
    }


    private static HttpLoad.Request postRequest(long aid, String token, String runId, long n) {
        return new HttpLoad.Request("POST", "/x/v2/reply/add", FORM,
                BenchClient.form("type", "1", "oid", Long.toString(aid), "message", "load " + runId + " " + n), token);
    }

    private static void printVisible(String what, double[] v) {
        System.out.printf("post-to-visible (time-sorted page 1), %s, %d samples: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", what, v.length, pct(v, 0.5), pct(v, 0.9), pct(v, 0.99),
                v.length == 0 ? 0 : v[v.length - 1]);
    }

    /** Sum of the videos' comment counts (all visible comments). */
    private long[] totalCount(List<Long> aids) throws IOException {
        long sum = 0;
        for (long a : aids) {
            sum += admin.call("GET", "/x/v2/reply/count?type=1&oid=" + a, null, null).path("data").path("count").asLong();
        }
        return new long[] {sum};
    }

    /**
     * Waits until the job has applied every accepted post (the counts stop moving for 3 s) and reports the job's
     * apply rate over the whole write run: posts applied / (time from the run's start to the last one applied).
     */
    private String drain(String what, List<Long> aids, long[] before, long startNanos) throws Exception {
        admin.reconnect();
        long last = totalCount(aids)[0];
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < 3_000_000_000L) {
            Thread.sleep(200);
            long now = totalCount(aids)[0];
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        long applied = last - before[0];
        double seconds = (lastChange - startNanos) / 1e9;
        return String.format("job, %s: %,d posts applied in %.1f s after the write run started: %,.0f posts/s",
                what, applied, seconds, applied / seconds);
    }

    /** Posts one comment at a time and polls page 1 of the time order until it shows; milliseconds per sample. */
    private double[] postToVisible(long aid, List<String> tokens, int samples, String runId) throws Exception {
        double[] out = new double[samples];
        String listPath = "/x/v2/reply?type=1&oid=" + aid + "&pn=1&ps=20&sort=0";
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            long rpid = post(aid, tokens.get(s % tokens.size()), "visible " + runId + " " + s);
            while (true) {
                JsonNode replies = admin.call("GET", listPath, null, null).path("data").path("replies");
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
        JsonNode r = admin.call("POST", "/x/v2/reply/add",
                BenchClient.form("type", "1", "oid", Long.toString(aid), "message", message),
                token);
        if (r.path("code").asInt() != 0) {
            throw new IllegalStateException("post failed: " + r);
        }
        return r.path("data").path("rpid").asLong();
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

}
