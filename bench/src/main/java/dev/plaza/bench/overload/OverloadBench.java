package dev.plaza.bench.overload;

import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.DbConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The overload experiment: offered load ramped past capacity on a route that costs real CPU and database time, once
 * per admission-control mode, each mode in a fresh server JVM ({@link OverloadServer}).
 *
 * <ol>
 *   <li>Calibrates {@link CpuBurn} to {@code --cpu-micros} of one core and seeds the MariaDB table.</li>
 *   <li>Capacity C: a server without admission control, warmed up, then driven closed loop by
 *       {@code --capacity-connections} clients; C is its goodput. Measured once, used for every mode, so all modes
 *       get the same offered load ({@code --capacity} skips this).</li>
 *   <li>Per mode: a fresh server, {@code --warmup-seconds} at the first step's rate (JIT, pool, and the CPU
 *       averages the limiters read), then the ramp, open loop ({@link OpenLoop}): {@code --steps} multiples of C,
 *       {@code --step-seconds} each, back to back.</li>
 *   <li>Prints a table per mode and a summary, writes the CSV and the SVG chart next to each other.</li>
 * </ol>
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.plaza.bench.overload.OverloadBench --jdbc
 * jdbc:mariadb://127.0.0.1:PORT/overload [--user root] [--password ""] [--modes none,bbr,sentinel,gradient2]
 * [--steps 0.5,1,1.5,2,3] [--step-seconds 15] [--warmup-seconds 20] [--capacity C] [--capacity-connections 32]
 * [--capacity-seconds 10] [--cpu-micros 1000 | --rounds N] [--timeout-seconds 5] [--max-connections 1024]
 * [--out docs/img] [--log-dir bench/target/overload] [--alt-classpath JAR]}. A mode ending in {@code @alt}
 * ({@code --modes bbr@alt,bbr,bbr@alt,bbr}) runs its server from {@code --alt-classpath}, e.g. a jar built before a
 * change, for a before/after comparison in one session; its log and its rows carry the suffix. The MariaDB can be a running {@code ./plaza up}'s (it prints "MariaDB
 * 127.0.0.1:NNNNN" at start); the database is created if missing.
 */
public final class OverloadBench {
    private OverloadBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = Args.parse(argv);
        if (a.containsKey("help") || !a.containsKey("jdbc")) {
            System.out.println("usage: OverloadBench --jdbc jdbc:mariadb://127.0.0.1:PORT/overload [--user root] "
                    + "[--password \"\"] [--modes none,bbr,sentinel,gradient2] [--steps 0.5,1,1.5,2,3] "
                    + "[--step-seconds 15] [--warmup-seconds 20] [--capacity C] [--capacity-connections 32] "
                    + "[--capacity-seconds 10] [--cpu-micros 1000 | --rounds N] [--timeout-seconds 5] "
                    + "[--max-connections 1024] [--out docs/img] [--log-dir bench/target/overload] "
                    + "[--alt-classpath JAR (for modes ending in @alt)] [--server-cpus LIST (taskset -c)]");
            return;
        }
        String jdbc = a.get("jdbc");
        String user = a.getOrDefault("user", "root");
        String password = a.getOrDefault("password", "");
        List<Mode> modes = Arrays.stream(a.getOrDefault("modes", "none,bbr,sentinel,gradient2").split(","))
                .map(Mode::parse).toList();
        List<Double> steps = Arrays.stream(a.getOrDefault("steps", "0.5,1,1.5,2,3").split(","))
                .map(Double::parseDouble).toList();
        Duration stepLength = Duration.ofSeconds(Long.parseLong(a.getOrDefault("step-seconds", "15")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup-seconds", "20")));
        Duration timeout = Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout-seconds", "5")));
        int maxConnections = Integer.parseInt(a.getOrDefault("max-connections", "1024"));
        Path out = Path.of(a.getOrDefault("out", "docs/img"));
        Path logDir = Path.of(a.getOrDefault("log-dir", "bench/target/overload"));
        ServerProcess.Launch launch = new ServerProcess.Launch(a.get("alt-classpath"), a.get("server-cpus"));

        System.out.printf("machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
                loadAverage());
        if (launch.cpus() != null) {
            System.out.println("servers pinned to CPUs " + launch.cpus() + " (taskset -c); run this bench and the"
                    + " database on the other CPUs (taskset -c) so the server's cores are its own");
        }
        int rounds;
        if (a.containsKey("rounds")) { // the same work as an earlier run, whatever the machine's load now
            rounds = Integer.parseInt(a.get("rounds"));
            System.out.printf("CPU work: %d SHA-256 rounds over 1 KiB (given)%n", rounds);
        } else {
            rounds = CpuBurn.calibrate(Long.parseLong(a.getOrDefault("cpu-micros", "1000")));
            System.out.printf("CPU work: %d SHA-256 rounds over 1 KiB (~%s us of one core, calibrated)%n", rounds,
                    a.getOrDefault("cpu-micros", "1000"));
        }
        try (Database db = Database.open(new DbConfig(jdbc, user, password, 2, Duration.ofSeconds(10)), "seed", null)) {
            WorkTable.ensureSeeded(db);
        }
        System.out.printf("MariaDB table seeded: %d rows, %d per group%n",
                WorkTable.GROUPS * WorkTable.ROWS_PER_GROUP, WorkTable.ROWS_PER_GROUP);

        double capacity = a.containsKey("capacity") ? Double.parseDouble(a.get("capacity"))
                : measureCapacity(launch, jdbc, user, password, rounds, logDir, timeout, maxConnections,
                        Integer.parseInt(a.getOrDefault("capacity-connections", "32")),
                        Duration.ofSeconds(Long.parseLong(a.getOrDefault("capacity-seconds", "10"))));
        System.out.printf(Locale.ROOT, "capacity C = %.0f requests/s (load average %s)%n%n", capacity, loadAverage());

        List<ModeRun> runs = new ArrayList<>();
        for (Mode mode : modes) {
            ErrorCounts.drain();
            ModeRun run = runMode(mode, launch, jdbc, user, password, rounds, logDir, capacity, steps, stepLength, warmup,
                    timeout, maxConnections);
            runs.add(run);
            System.out.println(OverloadReport.modeTable(run));
            Map<String, Long> errors = ErrorCounts.drain();
            if (!errors.isEmpty()) {
                System.out.println("errors by cause (warm-up included): " + errors + "\n");
            }
        }
        System.out.println("#### summary (top step = " + steps.getLast() + " C)\n");
        System.out.println(OverloadReport.summary(runs, capacity));
        OverloadReport.writeCsv(runs, out.resolve("overload.csv"));
        String where = launch.cpus() == null ? Runtime.getRuntime().availableProcessors() + " cores"
                : "server on CPU " + launch.cpus() + ", load and database elsewhere";
        GoodputChart.write(runs, capacity, String.format(Locale.ROOT, "%s, C = %.0f/s", where, capacity),
                out.resolve("overload.svg"));
        System.out.println("wrote " + out.resolve("overload.csv") + " and " + out.resolve("overload.svg"));
    }

    private static double measureCapacity(ServerProcess.Launch launch, String jdbc, String user, String password, int rounds, Path logDir,
                                          Duration timeout, int maxConnections, int connections, Duration length)
            throws Exception {
        try (ServerProcess server = ServerProcess.start(Mode.parse("none"), launch, jdbc, user, password, rounds,
                logDir);
             ConnectionPool pool = new ConnectionPool("127.0.0.1", server.port(), maxConnections)) {
            double warm = ClosedLoop.goodput(pool, connections, Duration.ofSeconds(10), timeout);
            double c = ClosedLoop.goodput(pool, connections, length, timeout);
            System.out.printf(Locale.ROOT, "capacity: closed loop, %d connections: %.0f/s (warm-up %.0f/s)%n",
                    connections, c, warm);
            return c;
        }
    }

    private static ModeRun runMode(Mode mode, ServerProcess.Launch launch, String jdbc, String user, String password, int rounds, Path logDir,
                                   double capacity, List<Double> steps, Duration stepLength, Duration warmup,
                                   Duration timeout, int maxConnections) throws Exception {
        String loadBefore = loadAverage();
        System.out.printf("mode %s: starting server (load average %s)%n", mode.name(), loadBefore);
        try (ServerProcess server = ServerProcess.start(mode, launch, jdbc, user, password, rounds, logDir);
             ConnectionPool pool = new ConnectionPool("127.0.0.1", server.port(), maxConnections)) {
            OpenLoop load = new OpenLoop(pool, timeout);
            StepResult warm = load.schedule(steps.getFirst() * capacity, warmup).result();
            System.out.printf(Locale.ROOT, "  warm-up %.0f/s: goodput %.0f/s, p99 %.1f ms; server %s%n",
                    warm.offered(), warm.goodput(), warm.p99(), server.lastStats());
            List<OpenLoop.Step> pending = new ArrayList<>();
            List<String> stats = new ArrayList<>();
            for (double m : steps) {
                pending.add(load.schedule(m * capacity, stepLength));
                stats.add(server.lastStats());
                System.out.printf(Locale.ROOT, "  %.1f C scheduled; server %s%n", m, stats.getLast());
            }
            List<StepResult> results = new ArrayList<>();
            for (OpenLoop.Step s : pending) {
                s.await();
            }
            for (OpenLoop.Step s : pending) {
                results.add(StepResult.of(s, pending));
            }
            return new ModeRun(mode, steps, results, stats, loadBefore, loadAverage());
        }
    }

    /** The 1, 5 and 15 minute load averages, as uptime prints them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
