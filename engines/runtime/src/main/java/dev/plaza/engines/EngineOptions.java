package dev.plaza.engines;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Engines} starts the engines. {@link #defaults()} picks free loopback ports at every start; the standalone
 * launcher can fix ports with {@link #withPort}. Immutable; the {@code with*} methods return copies.
 *
 * @param ports        fixed port per engine (MariaDB, Redis, Kafka broker, ZooKeeper client, OpenSearch HTTP);
 *                     absent or 0 means a free port. Secondary ports (Kafka controller, OpenSearch transport) are
 *                     always free ports.
 * @param heaps        {@code -Xmx} value per child JVM engine (Kafka, ZooKeeper, OpenSearch)
 * @param childJvmArgs extra arguments for every child JVM (before the main class)
 * @param startTimeout how long one engine may take to become ready
 * @param stopTimeout  how long one engine may take to stop before it is killed
 * @param cacheDir     where unpacked native binaries (MariaDB) are kept between runs and data folders
 */
public record EngineOptions(Map<EngineKind, Integer> ports, Map<EngineKind, String> heaps, List<String> childJvmArgs,
                            Duration startTimeout, Duration stopTimeout, Path cacheDir) {

    public EngineOptions {
        ports = Collections.unmodifiableMap(copy(ports));
        heaps = Collections.unmodifiableMap(copy(heaps));
        childJvmArgs = List.copyOf(childJvmArgs);
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(cacheDir, "cacheDir");
        ports.forEach((kind, port) -> {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad port for " + kind + ": " + port);
            }
        });
    }

    /**
     * Free ports; heaps Kafka 512m, OpenSearch 512m, ZooKeeper 128m; 180 s to start, 30 s to stop; binaries cached in
     * {@code -Dplaza.engines.cache} or {@code ~/.cache/plaza/engines}.
     */
    public static EngineOptions defaults() {
        Map<EngineKind, String> heaps = new EnumMap<>(EngineKind.class);
        heaps.put(EngineKind.KAFKA, "512m");
        heaps.put(EngineKind.OPENSEARCH, "512m");
        heaps.put(EngineKind.ZOOKEEPER, "128m");
        String cache = System.getProperty("plaza.engines.cache");
        Path cacheDir = cache != null && !cache.isBlank()
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "plaza", "engines");
        return new EngineOptions(Map.of(), heaps, List.of(), Duration.ofSeconds(180), Duration.ofSeconds(30), cacheDir);
    }

    public EngineOptions withPort(EngineKind kind, int port) {
        Map<EngineKind, Integer> p = copy(ports);
        p.put(kind, port);
        return new EngineOptions(p, heaps, childJvmArgs, startTimeout, stopTimeout, cacheDir);
    }

    public EngineOptions withHeap(EngineKind kind, String maxHeap) {
        Map<EngineKind, String> h = copy(heaps);
        h.put(kind, maxHeap);
        return new EngineOptions(ports, h, childJvmArgs, startTimeout, stopTimeout, cacheDir);
    }

    public EngineOptions withChildJvmArgs(List<String> args) {
        return new EngineOptions(ports, heaps, args, startTimeout, stopTimeout, cacheDir);
    }

    public EngineOptions withStartTimeout(Duration timeout) {
        return new EngineOptions(ports, heaps, childJvmArgs, timeout, stopTimeout, cacheDir);
    }

    public EngineOptions withStopTimeout(Duration timeout) {
        return new EngineOptions(ports, heaps, childJvmArgs, startTimeout, timeout, cacheDir);
    }

    public EngineOptions withCacheDir(Path dir) {
        return new EngineOptions(ports, heaps, childJvmArgs, startTimeout, stopTimeout, dir);
    }

    /** The fixed port for {@code kind}, or 0 for "pick a free one". */
    public int port(EngineKind kind) {
        return ports.getOrDefault(kind, 0);
    }

    /** The {@code -Xmx} value for a child JVM engine. */
    public String heap(EngineKind kind) {
        return heaps.getOrDefault(kind, "256m");
    }

    private static <V> EnumMap<EngineKind, V> copy(Map<EngineKind, V> map) {
        EnumMap<EngineKind, V> m = new EnumMap<>(EngineKind.class);
        if (map != null) {
            m.putAll(map);
        }
        return m;
    }
}
