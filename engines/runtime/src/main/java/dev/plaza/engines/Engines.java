package dev.plaza.engines;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of running engines sharing one data dir ({@code <data dir>/<engine>/...}). {@link #start} starts them in
 * parallel and returns when all serve requests; {@link #close} stops them (also run by a JVM shutdown hook, so Ctrl-C
 * or SIGTERM of this process stops them too). Child JVM engines additionally exit by themselves if this process dies
 * without running its hooks, and native engines (MariaDB, Redis) left by such a crash are stopped through their pid
 * files by the next start on the same data dir.
 *
 * <p>The data dir is locked ({@code <data dir>/.lock}) while in use: a second process, or a second {@code Engines} in
 * this process, cannot start engines on it at the same time.
 */
public final class Engines implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engines.class);

    private final Path dataDir;
    private final EngineOptions options;
    /** Every engine created: starting or running. Sorted by kind, so closing walks it backwards. */
    private final ConcurrentSkipListMap<EngineKind, AbstractEngine> engines = new ConcurrentSkipListMap<>();
    /** The engines that are up (guarded by this). */
    private final Map<EngineKind, AbstractEngine> running = new EnumMap<>(EngineKind.class);
    private final Map<EngineKind, Duration> startTimes = new EnumMap<>(EngineKind.class);
    private final Object closeLock = new Object();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Engines(Path dataDir, EngineOptions options) throws IOException {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.options = options;
        Files.createDirectories(this.dataDir);
        Path lockFile = this.dataDir.resolve(".lock");
        this.lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String holder = "";
            try {
                holder = Files.readString(lockFile).trim();
            } catch (IOException ignored) {
                // unreadable
            }
            lockChannel.close();
            throw new IllegalStateException("the data dir " + this.dataDir + " is in use by another running Plaza"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; stop it first or use another data dir");
        }
        this.lock = l;
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(
                (ProcessHandle.current().pid() + System.lineSeparator()).getBytes(StandardCharsets.UTF_8)), 0);
        this.shutdownHook = new Thread(this::closeFromHook, "plaza-engines-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** {@link #start(Path, Set, EngineOptions)} with {@link EngineOptions#defaults()}. */
    public static Engines start(Path dataDir, Set<EngineKind> kinds) throws Exception {
        return start(dataDir, kinds, EngineOptions.defaults());
    }

    /**
     * Starts {@code kinds} in parallel on {@code dataDir} and waits until each is ready. If any fails, the ones already
     * up are stopped and an {@link EngineStartException} names each failure with the tail of its log.
     */
    public static Engines start(Path dataDir, Set<EngineKind> kinds, EngineOptions options) throws Exception {
        Engines engines = new Engines(dataDir, options);
        try {
            engines.ensureStarted(kinds);
        } catch (Exception | Error e) {
            engines.close();
            throw e;
        }
        return engines;
    }

    /**
     * Starts those of {@code kinds} that are not running yet (in parallel) and waits until they are ready. On failure
     * the engines started by this call are stopped again; those already running before are left alone.
     */
    public synchronized Engines ensureStarted(Set<EngineKind> kinds) throws EngineStartException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        List<AbstractEngine> batch = new ArrayList<>();
        for (EngineKind kind : kinds.isEmpty() ? EnumSet.noneOf(EngineKind.class) : EnumSet.copyOf(kinds)) {
            if (!running.containsKey(kind)) {
                AbstractEngine engine = create(kind);
                engines.put(kind, engine);
                batch.add(engine);
            }
        }
        if (batch.isEmpty()) {
            return this;
        }
        Map<AbstractEngine, Future<Duration>> futures = new LinkedHashMap<>();
        Map<EngineKind, Throwable> failures = new EnumMap<>(EngineKind.class);
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().daemon().name("plaza-engine-start-", 0).factory())) {
            for (AbstractEngine engine : batch) {
                futures.put(engine, pool.submit(() -> {
                    long t0 = System.nanoTime();
                    engine.killLeftovers();
                    engine.start();
                    return Duration.ofNanos(System.nanoTime() - t0);
                }));
            }
            for (var entry : futures.entrySet()) {
                AbstractEngine engine = entry.getKey();
                try {
                    Duration took = entry.getValue().get();
                    startTimes.put(engine.kind(), took);
                    running.put(engine.kind(), engine);
                    log.info("{} ready on 127.0.0.1:{} in {} ms (log: {})", engine.kind(), engine.port(),
                            took.toMillis(), engine.logFile());
                } catch (ExecutionException e) {
                    failures.put(engine.kind(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.put(engine.kind(), e);
                }
            }
        }
        if (!failures.isEmpty()) {
            StringBuilder msg = new StringBuilder("could not start ").append(failures.keySet())
                    .append(" in ").append(dataDir);
            for (AbstractEngine engine : batch) {
                Throwable t = failures.get(engine.kind());
                if (t != null) {
                    msg.append(System.lineSeparator()).append("- ").append(engine.kind()).append(": ").append(t)
                            .append(System.lineSeparator()).append("  last lines of ").append(engine.logFile())
                            .append(':').append(System.lineSeparator()).append(LogFiles.tail(engine.logFile(), 30));
                }
            }
            // stop this batch, the ones that came up and whatever the failed ones left behind
            for (AbstractEngine engine : reversed(batch)) {
                running.remove(engine.kind());
                startTimes.remove(engine.kind());
                engines.remove(engine.kind());
                closeQuietly(engine);
            }
            throw new EngineStartException(msg.toString(), failures);
        }
        if (closed) {
            throw new IllegalStateException("engines in " + dataDir + " were stopped while starting");
        }
        return this;
    }

    private AbstractEngine create(EngineKind kind) {
        return switch (kind) {
            case MARIADB -> new MariaDbEngine(dataDir, options);
            case REDIS -> new RedisEngine(dataDir, options);
            case KAFKA -> new KafkaEngine(dataDir, options);
            case ZOOKEEPER -> new ZooKeeperEngine(dataDir, options);
            case OPENSEARCH -> new OpenSearchEngine(dataDir, options);
        };
    }

    /** Where the running engines listen; fields of engines not started are null or 0. */
    public synchronized Endpoints endpoints() {
        AbstractEngine.EndpointsBuilder b = new AbstractEngine.EndpointsBuilder();
        running.values().forEach(e -> e.describe(b));
        return b.build();
    }

    /** The running engines. */
    public synchronized Set<EngineKind> kinds() {
        return running.isEmpty() || closed ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(running.keySet()));
    }

    /** The running engine of that kind. */
    public synchronized Engine engine(EngineKind kind) {
        AbstractEngine e = running.get(kind);
        if (e == null) {
            throw new IllegalStateException(kind + " is not running");
        }
        return e;
    }

    /** How long each running engine took to start (including stopping leftovers of a crashed run). */
    public synchronized Map<EngineKind, Duration> startTimes() {
        return Collections.unmodifiableMap(new EnumMap<>(startTimes));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The log file of an engine: {@code <data dir>/<engine>/<engine>.log}. */
    public Path logFile(EngineKind kind) {
        return dataDir.resolve(kind.folder()).resolve(kind.folder() + ".log");
    }

    /** Stops every engine, in the reverse of {@link EngineKind} order, and waits for their processes. Idempotent. */
    @Override
    public void close() {
        closeEngines();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private void closeFromHook() {
        log.info("JVM shutting down: stopping engines in {}", dataDir);
        closeEngines();
    }

    /** Not synchronized with {@link #ensureStarted}: a shutdown hook must be able to stop engines still starting. */
    private void closeEngines() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (AbstractEngine engine : engines.descendingMap().values()) {
                long t0 = System.nanoTime();
                closeQuietly(engine);
                log.info("{} stopped in {} ms", engine.kind(), (System.nanoTime() - t0) / 1_000_000);
            }
            engines.clear();
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // released with the process anyway
            }
        }
    }

    private static void closeQuietly(AbstractEngine engine) {
        try {
            engine.close();
        } catch (RuntimeException e) {
            log.warn("stopping {} failed", engine.kind(), e);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> r = new ArrayList<>(list);
        Collections.reverse(r);
        return r;
    }

    /** For tests: pids of the engine processes this instance runs (child JVMs, mariadbd, redis-server). */
    synchronized Map<EngineKind, Long> pids() {
        Map<EngineKind, Long> pids = new EnumMap<>(EngineKind.class);
        running.forEach((kind, engine) -> {
            long pid = switch (engine) {
                case ChildJvmEngine c -> c.pid();
                case MariaDbEngine m -> m.pid();
                case RedisEngine r -> r.pid();
                default -> -1;
            };
            pids.put(kind, pid);
        });
        return pids;
    }
}
