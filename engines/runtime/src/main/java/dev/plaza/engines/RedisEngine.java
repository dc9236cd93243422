package dev.plaza.engines;

import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * Redis 6.2 (the binary inside embedded-redis), a native child process. Persistence: AOF plus the default RDB
 * snapshots, both in the engine folder, so standalone keeps its cache and routing data across restarts.
 */
final class RedisEngine extends AbstractEngine {
    private final Path pidFile;
    private RedisServer server;
    private long pid = -1;

    RedisEngine(Path dataDir, EngineOptions options) {
        super(EngineKind.REDIS, dataDir, options);
        this.pidFile = dir.resolve("redis.pid");
    }

    @Override
    void killLeftovers() {
        Processes.killLeftover(pidFile, dir.toString(), "redis-server", options.stopTimeout());
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        Files.createDirectories(dir.resolve("bin"));
        port = Ports.resolve(options.port(kind), "Redis");
        LogFiles.beginRun(logFile, "starting REDIS on 127.0.0.1:" + port);
        RedisServer s = RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(dir.resolve("bin").toFile()))
                .bind("127.0.0.1")
                .port(port)
                .setting("daemonize no")
                .setting("protected-mode yes")
                .setting("dir " + quote(dir))
                .setting("pidfile " + quote(pidFile))
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save 900 1")
                .setting("save 300 10")
                .setting("save 60 10000")
                .setting("maxclients 4064") // fits the default 4096 open files limit without a warning
                .soutListener(line -> LogFiles.append(logFile, line))
                .serrListener(line -> LogFiles.append(logFile, line))
                .build();
        try {
            s.start();
        } catch (Exception e) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // it did not start
            }
            throw new IllegalStateException("redis-server did not start: " + e.getMessage(), e);
        }
        server = s;
        pid = Processes.readPid(pidFile).orElse(-1L);
    }

    @Override
    public synchronized void close() {
        RedisServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        try {
            s.stop(); // SIGTERM (Redis saves its snapshot) and waits for the exit
        } catch (Exception e) {
            LogFiles.append(logFile, "===== plaza: stopping redis failed: " + e);
        }
        if (pid > 0) {
            ProcessHandle.of(pid).filter(p -> Processes.mentions(p, dir.toString()))
                    .ifPresent(p -> Processes.stop(p, options.stopTimeout()));
        }
        LogFiles.append(logFile, "===== plaza: REDIS stopped");
    }

    private static String quote(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    void describe(EndpointsBuilder e) {
        e.redisHost = "127.0.0.1";
        e.redisPort = port;
    }

    synchronized long pid() {
        return server == null ? -1 : pid;
    }
}
