package dev.plaza.bench.overload;

import ch.qos.logback.classic.Level;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.CpuUsage;
import dev.plaza.kit.log.AccessLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The system under test of {@link OverloadBench}, one JVM per mode (the bench starts it): an {@link HttpEdge} on
 * 127.0.0.1 with one route, {@code GET /work}, that burns about 1 ms of CPU ({@link CpuBurn}) and runs one indexed
 * range read on MariaDB ({@link WorkTable}) through a 16-connection Hikari pool.
 *
 * <p>Admission control by mode: {@code none}; {@code bbr} the kit's {@link BbrLimiter} on the edge's own hook (in front of Javalin), with
 * {@link CpuUsage#detect()}; {@code sentinel} / {@code gradient2} the peers, entered first thing in the route. The
 * pool's connection timeout is 30 s, beyond the client's 5 s, so in mode {@code none} nothing is refused by the pool
 * either: requests queue, which is what "no admission control" means.
 *
 * <p>Prints {@code READY <port>} once serving, then a {@code STATS} line every second (the CPU load as the kit's
 * CpuUsage reads it; this process's raw CPU over its cores and the machine's, unsmoothed; the limiter's state),
 * which the bench picks up from its log.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.plaza.bench.overload.OverloadServer --mode bbr
 * --jdbc jdbc:mariadb://127.0.0.1:3306/overload --user root --password "" --rounds 300 [--port 0] [--pool 16]}.
 */
public final class OverloadServer {
    private OverloadServer() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = Args.parse(argv);
        Mode mode = Mode.parse(a.getOrDefault("mode", "none"));
        int rounds = Integer.parseInt(a.get("rounds"));
        // One access-log line per request would be most of the CPU a shed request costs, in every mode alike; off.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).setLevel(Level.OFF);

        DbConfig dbc = new DbConfig(a.get("jdbc"), a.getOrDefault("user", "root"), a.getOrDefault("password", ""),
                Integer.parseInt(a.getOrDefault("pool", "16")), Duration.ofSeconds(30));
        CpuUsage cpu = CpuUsage.detect();
        cpu.start(); // every mode: the stats line reports what BBR would see
        try (Database db = Database.open(dbc, "overload", null)) {
            Admission admission = switch (mode.kind()) {
                case "sentinel" -> new SentinelAdmission(mode.sentinelCpu() ? 0.8 : -1,
                        Runtime.getRuntime().availableProcessors() * 2.5);
                case "gradient2" -> new Gradient2Admission();
                default -> Admission.NONE;
            };
            WorkRoute work = new WorkRoute(new CpuBurn(rounds), db, admission);
            HttpEdge.Builder edge = HttpEdge.builder(HttpEdgeConfig.local(Integer.parseInt(a.getOrDefault("port", "0"))))
                    .meterRegistry(new SimpleMeterRegistry())
                    .routes(r -> r.get("/work", Access.PUBLIC, req -> work.handle()));
            BbrLimiter bbr = null;
            if (mode.kind().equals("bbr")) {
                bbr = BbrLimiter.builder("overload", cpu).cpuThreshold(mode.cpuThreshold()).build();
                edge.limiter(bbr);
            }
            try (HttpEdge server = edge.build()) {
                server.start();
                System.out.println("READY " + server.port());
                System.out.flush();
                printStats(cpu, bbr, admission, work);
                new CountDownLatch(1).await(); // until the bench destroys the process
            }
        }
    }

    private static void printStats(CpuUsage cpu, BbrLimiter bbr, Admission admission, WorkRoute work) {
        System.out.println("CPU source: " + cpu);
        Thread.ofPlatform().daemon().name("overload-stats").start(() -> {
            RawCpu raw = new RawCpu();
            while (true) {
                String limiter = bbr != null ? bbr.snapshot() + " dropped=" + bbr.dropped() : admission.state();
                System.out.println("STATS cpu=" + cpu.cpu() + " " + raw.next() + " running=" + work.running() + " "
                        + limiter);
                System.out.flush();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * Unsmoothed readings over the last second, per mille, for the log only: {@code proc} this process's CPU time
     * over its processors, {@code machine} the whole machine's busy share ({@code /proc/stat}).
     */
    private static final class RawCpu {
        private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final int cores = Runtime.getRuntime().availableProcessors();
        private long lastProc = os.getProcessCpuTime();
        private long lastWall = System.nanoTime();
        private long[] lastStat = stat();

        String next() {
            long proc = os.getProcessCpuTime();
            long wall = System.nanoTime();
            long[] st = stat();
            long procPm = Math.round((proc - lastProc) * 1000.0 / ((wall - lastWall) * (double) cores));
            long total = st[1] - lastStat[1];
            long machinePm = total <= 0 ? -1 : Math.round(1000 - (st[0] - lastStat[0]) * 1000.0 / total);
            lastProc = proc;
            lastWall = wall;
            lastStat = st;
            return "proc=" + procPm + " machine=" + machinePm;
        }

        private static long[] stat() {
            try {
                String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).getFirst().trim()
                        .split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    total += Long.parseLong(f[i]);
                }
                return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
            } catch (Exception e) {
                return new long[] {0, 0};
            }
        }
    }
}
