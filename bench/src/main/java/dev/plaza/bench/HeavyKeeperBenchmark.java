package dev.plaza.bench;

import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@link HeavyKeeper#add} on a skewed stream (Zipf, exponent 1, over 10,000 keys: the top 10 keys
 * take about 30% of the accesses, the top 100 about 53%), from one thread and from two threads sharing one keeper
 * (width 1024, depth 4), against:
 * <ul>
 *   <li>the same keeper behind one {@code ReentrantLock} ({@code locked*}): the simple alternative to the kit's
 *       lock-free buckets plus a heap lock taken only when the top K changes;</li>
 *   <li>exact counting in a {@code ConcurrentHashMap<String, LongAdder>} ({@code exactCount*}): what a counter per
 *       key costs, with memory growing with the number of distinct keys instead of fixed;</li>
 *   <li>{@link HotKeyDetector#record} ({@code detector*}): the add plus the clock check and the hot test, i.e. what
 *       {@code HotKeyCache.get} adds in front of every read.</li>
 * </ul>
 * Results are ns per add (average time per call, per thread).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HeavyKeeperBenchmark {
    private static final int KEYS = 10_000;
    /** A power of two, so a cursor wraps with a mask. */
    private static final int STREAM = 1 << 16;

    @Param({"10", "100"})
    public int k;

    private String[] stream;
    private HeavyKeeper keeper;
    private HeavyKeeper lockedKeeper;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<String, LongAdder> exact = new ConcurrentHashMap<>();
    private HotKeyDetector detector;

    /** Each thread walks the shared stream from its own random offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int i = ThreadLocalRandom.current().nextInt(STREAM);

        int next() {
            return i++ & (STREAM - 1);
        }
    }

    @Setup
    public void setUp() {
        stream = zipf(KEYS, 1.0, STREAM, 7);
        keeper = keeper();
        lockedKeeper = keeper();
        detector = new HotKeyDetector("bench", keeper(), new HotKeyDetector.Settings(100, Duration.ofSeconds(10)),
                new SimpleMeterRegistry());
    }

    private HeavyKeeper keeper() {
        return new HeavyKeeper(new HeavyKeeper.Settings(k, 1024, 4, HeavyKeeper.Settings.DEFAULT_DECAY, 42));
    }

    @Benchmark
    @Threads(1)
    public boolean add1Thread(Cursor c) {
        return keeper.add(stream[c.next()], 1);
    }

    @Benchmark
    @Threads(2)
    public boolean add2Threads(Cursor c) {
        return keeper.add(stream[c.next()], 1);
    }

    @Benchmark
    @Threads(1)
    public boolean locked1Thread(Cursor c) {
        return lockedAdd(stream[c.next()]);
    }

    @Benchmark
    @Threads(2)
    public boolean locked2Threads(Cursor c) {
        return lockedAdd(stream[c.next()]);
    }

    @Benchmark
    @Threads(1)
    public boolean detector1Thread(Cursor c) {
        return detector.record(stream[c.next()]);
    }

    @Benchmark
    @Threads(2)
    public boolean detector2Threads(Cursor c) {
        return detector.record(stream[c.next()]);
    }

    @Benchmark
    @Threads(1)
    public LongAdder exactCount1Thread(Cursor c) {
        return exactCount(stream[c.next()]);
    }

    @Benchmark
    @Threads(2)
    public LongAdder exactCount2Threads(Cursor c) {
        return exactCount(stream[c.next()]);
    }

    private boolean lockedAdd(String key) {
        lock.lock();
        try {
            return lockedKeeper.add(key, 1);
        } finally {
            lock.unlock();
        }
    }

    private LongAdder exactCount(String key) {
        LongAdder a = exact.computeIfAbsent(key, x -> new LongAdder());
        a.increment();
        return a;
    }

    /** {@code n} keys "subject:<rank>" drawn with probability proportional to 1 / rank^s. */
    static String[] zipf(int keys, double s, int n, long seed) {
        double[] cdf = new double[keys];
        double sum = 0;
        for (int i = 0; i < keys; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) {
            cdf[i] /= sum;
            names[i] = "subject:" + (1_000_000 + i);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String[] out = new String[n];
        for (int j = 0; j < n; j++) {
            int i = Arrays.binarySearch(cdf, random.nextDouble());
            out[j] = names[Math.min(i >= 0 ? i : -i - 1, keys - 1)];
        }
        return out;
    }
}
