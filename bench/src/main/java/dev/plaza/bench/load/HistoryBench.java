package dev.plaza.bench.load;

import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.api.history.v1.HistoryRecordMsg;
import dev.plaza.api.history.v1.ReportRequest;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load on a running Plaza's play history, compared with the same server's trivial route in the same run:
 * <ol>
 *   <li>trivial: {@code GET /x/ping};</li>
 *   <li>ingest over HTTP: player heartbeats ({@code POST /x/click-interface/web/heartbeat}) as fast as the
 *   connections go, from {@code --users} users over {@code --videos} videos each;</li>
 *   <li>ingest over gRPC ({@code plaza.history.v1.History/Report}, one report per call, as other systems send them),
 *   when the server serves gRPC on {@code --grpc-port};</li>
 *   <li>the merge ratio under the player pattern: every viewer (user, video) reports every {@code --report-every}
 *   (Bilibili's players: 15 s) at a fixed total rate for {@code --pattern-seconds}; reports in / records the job
 *   wrote, read from the server's metrics;</li>
 *   <li>list: {@code GET /x/web-interface/history/cursor} page 1 of the users.</li>
 * </ol>
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.plaza.bench.load.HistoryBench [--port 8080]
 * [--grpc-port 0] [--connections 64] [--seconds 15] [--warmup 5] [--users 100] [--videos 20]
 * [--report-every 15s] [--pattern-seconds 60] [--phases trivial,http,list,grpc,pattern]}.
 */
public final class HistoryBench {
    private final String host;
    private final int port;
    private final BenchClient admin;

    private HistoryBench(String host, int port) {
        this.host = host;
        this.port = port;
        this.admin = new BenchClient(host, port);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchClient.args(argv);
        HistoryBench bench = new HistoryBench(a.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(a.getOrDefault("port", "8080")));
        bench.run(Integer.parseInt(a.getOrDefault("grpc-port", "0")),
                Integer.parseInt(a.getOrDefault("connections", "64")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "5"))),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "15"))),
                Integer.parseInt(a.getOrDefault("users", "100")),
                Integer.parseInt(a.getOrDefault("videos", "20")),
                Duration.parse("PT" + a.getOrDefault("report-every", "15s").toUpperCase()),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("pattern-seconds", "60"))),
                Set.of(a.getOrDefault("phases", "trivial,http,list,grpc,pattern").split(",")));
    }

    private void run(int grpcPort, int connections, Duration warmup, Duration duration, int userCount,
                     int videoCount, Duration reportEvery, Duration patternFor, Set<String> phases) throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<String> tokens = admin.users("hist_" + runId, userCount);
        long[] aids = new long[videoCount];
        for (int v = 0; v < videoCount; v++) {
            aids[v] = admin.video(tokens.get(v % tokens.size()), "history bench " + runId + " " + v);
        }
        int viewers = userCount * videoCount;
        System.out.printf("%d users x %d videos = %d viewers, %d connections, %s warm-up, %s measured%n%n",
                userCount, videoCount, viewers, connections, warmup, duration);
        System.out.println(HttpLoad.Result.header());

        double trivialRate = 0;
        if (phases.contains("trivial")) {
            HttpLoad.Result trivial = HttpLoad.run("GET /x/ping (trivial)", host, port, connections, warmup,
                    duration, i -> HttpLoad.Request.get("/x/ping"), BenchClient::codeZero);
            trivialRate = trivial.throughput();
            System.out.println(trivial.row(trivialRate));
        }
        AtomicLong played = new AtomicLong();
        if (phases.contains("http")) {
            HttpLoad.Result http = HttpLoad.run("POST heartbeat (HTTP)", host, port, connections, warmup, duration,
                    i -> heartbeat(tokens, aids, i, played.incrementAndGet()), BenchClient::codeZero);
            System.out.println(http.row(trivialRate));
        }
        if (phases.contains("list")) {
            HttpLoad.Result list = HttpLoad.run("GET history/cursor page 1", host, port, connections, warmup,
                    duration, i -> new HttpLoad.Request("GET", "/x/web-interface/history/cursor?ps=20", null, null,
                            tokens.get(i % tokens.size())), BenchClient::codeZero);
            System.out.println(list.row(trivialRate));
        }
        if (grpcPort > 0 && phases.contains("grpc")) {
            System.out.println(grpc(grpcPort, connections, warmup, duration, aids, trivialRate));
        }
        if (!phases.contains("pattern")) {
            return;
        }

        // the player pattern, paced: every viewer once per reportEvery. First let what the earlier runs merged reach
        // the store, so the counters below see this pattern only.
        settle();
        double reportsBefore = admin.metric("history_reports_total{");
        double writtenBefore = admin.metric("history_job_records_total{");
        double rate = viewers / (reportEvery.toNanos() / 1e9);
        HttpLoad.Result pattern = HttpLoad.runPaced(String.format("player pattern, %.0f reports/s", rate), host,
                port, connections, patternFor, rate, i -> heartbeat(tokens, aids, i, played.incrementAndGet()),
                BenchClient::codeZero);
        System.out.println(pattern.row(trivialRate));
        settle();
        double reports = admin.metric("history_reports_total{") - reportsBefore;
        double written = admin.metric("history_job_records_total{") - writtenBefore;
        System.out.printf("%nmerge, player pattern (each of %d viewers every %s, for %s): %,.0f reports in, %,.0f "
                        + "records written by the job: %.1f reports per store write%n", viewers, reportEvery,
                patternFor, reports, written, written == 0 ? 0 : reports / written);
    }

    /**
     * Waits until nothing is pending in the merger and the job has written everything flushed (its counter stops
     * moving for 3 s); gives up after 10 minutes.
     */
    private void settle() throws Exception {
        admin.reconnect();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        double last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            double pending = admin.metric("history_pending{");
            double written = admin.metric("history_job_records_total{");
            double flushed = admin.metric("history_flushed_records_total{");
            if (written != last) {
                last = written;
                stableSince = System.nanoTime();
            }
            if (pending == 0 && written >= flushed && System.nanoTime() - stableSince > 3_000_000_000L) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("history did not settle within 10 minutes");
    }

    /** The i-th heartbeat: viewer i % viewers, a few seconds further each time. */
    private static HttpLoad.Request heartbeat(List<String> tokens, long[] aids, long i, long n) {
        int viewer = (int) (i % ((long) tokens.size() * aids.length));
        String token = tokens.get(viewer / aids.length);
        long aid = aids[viewer % aids.length];
        return new HttpLoad.Request("POST", "/x/click-interface/web/heartbeat", BenchClient.FORM,
                BenchClient.form("aid", Long.toString(aid), "played_time", Long.toString(n % 600),
                        "play_type", "0"), token);
    }

    /** Reports over gRPC from {@code connections} virtual threads sharing one channel, one report per call. */
    private String grpc(int grpcPort, int connections, Duration warmup, Duration duration, long[] aids,
                        double trivialRate) throws Exception {
        try (RpcClient channel = RpcChannels.builder("history-bench").defaultTimeout(Duration.ofSeconds(5)).build()
                .forAddress(host, grpcPort)) {
            HistoryGrpc.HistoryBlockingStub stub = HistoryGrpc.newBlockingStub(channel);
            long end = System.nanoTime() + warmup.toNanos() + duration.toNanos();
            long measureFrom = System.nanoTime() + warmup.toNanos();
            LongAdder ok = new LongAdder();
            LongAdder failed = new LongAdder();
            List<long[]> latencies = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            AtomicLong seq = new AtomicLong();
            for (int c = 0; c < connections; c++) {
                long[][] mine = {new long[1 << 14]};
                int[] n = {0};
                synchronized (latencies) {
                    latencies.add(null);
                }
                int slot = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        long i = seq.incrementAndGet();
                        long mid = 1 + i % 1_000_000; // internal callers name the user; the service trusts them
                        long t0 = System.nanoTime();
                        try {
                            stub.report(ReportRequest.newBuilder().addReports(HistoryRecordMsg.newBuilder()
                                    .setMid(mid).setBusiness("archive").setOid(aids[(int) (i % aids.length)])
                                    .setCid(1).setProgress(i % 600).setPlatform("app")).build());
                            if (t0 >= measureFrom) {
                                ok.increment();
                            }
                        } catch (RuntimeException e) {
                            if (t0 >= measureFrom) {
                                failed.increment();
                            }
                        }
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom && t1 <= end) {
                            if (n[0] == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], n[0] * 2);
                            }
                            mine[0][n[0]++] = t1 - t0;
                        }
                    }
                    synchronized (latencies) {
                        latencies.set(slot, Arrays.copyOf(mine[0], n[0]));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            double seconds = duration.toNanos() / 1e9;
            HttpLoad.Result r = new HttpLoad.Result("Report (gRPC, 1 per call)", connections, all.length,
                    failed.sum(), seconds, all.length / seconds, HttpLoad.pct(all, 0.5), HttpLoad.pct(all, 0.9),
                    HttpLoad.pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            return r.row(trivialRate);
        }
    }
}
