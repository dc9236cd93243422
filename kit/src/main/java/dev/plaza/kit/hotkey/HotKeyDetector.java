package dev.plaza.kit.hotkey;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Which keys are hot right now: a key is hot while it is in the {@link HeavyKeeper}'s top K <em>and</em> its count is
 * at least {@code minCount}. The top K alone is not enough: on a quiet instance the K most-read keys may be read
 * twice a minute, and caching those buys nothing.
 *
 * <p>Counts are halved every {@code window} ({@link HeavyKeeper#fading()}), so a key read {@code r} times per window
 * settles at a count between {@code r} and {@code 2r} (right after and right before a fading); {@code minCount} is
 * compared with that. A key that stops being read cools down within a few windows.
 *
 * <p>Fading is driven by the clock, not by a timer: every {@link #record} first checks whether a window has ended,
 * so tests move a fake clock and nothing runs behind their back. {@link #start()} adds a background virtual thread
 * that does the same check when no reads come (so an idle instance's hot set and gauge decay too); {@link #close()}
 * stops it.
 *
 * <p>Meters ({@link HotKeyMetricNames}): {@code plaza_hotkey_hot{cache}} and
 * {@code plaza_hotkey_promoted_total{cache}}.
 */
public final class HotKeyDetector implements AutoCloseable {
    /**
     * @param minCount the count (about 1 to 2 windows of reads, see above) a top-K key needs to be hot; at least 1
     * @param window   how often counts are halved
     */
    public record Settings(long minCount, Duration window) {
        public Settings {
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive");
            }
        }

        /** Halve every 10 s; hot from about 50 to 100 reads per 10 s (5 to 10 a second) on this instance. */
        public static Settings defaults() {
            return new Settings(100, Duration.ofSeconds(10));
        }
    }

    /** After this many halvings every 32-bit count is zero: more missed windows change nothing. */
    private static final int MAX_FADINGS = 33;
    /** The background check wakes at least this often, so a clock that jumps (tests) is noticed soon. */
    private static final long MAX_SLEEP_NANOS = Duration.ofSeconds(1).toNanos();

    private final String name;
    private final HeavyKeeper keeper;
    private final Settings settings;
    private final LongSupplier nanoClock;
    private final long windowNanos;
    private final AtomicLong nextFade;
    /** Keys seen hot since they last were not: only to count promotions (turning hot), not to answer hotness. */
    private final Set<String> promotedKeys = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;
    private final Counter promoted;
    private final Gauge hotGauge;
    private final Object lifecycle = new Object();
    private Thread fader;
    private volatile boolean closed;

    public HotKeyDetector(String name, HeavyKeeper keeper, Settings settings, MeterRegistry meters) {
        this(name, keeper, settings, System::nanoTime, meters);
    }

    /**
     * @param name      the {@code cache} tag of the meters; one name per detector in a registry
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake one in tests)
     */
    public HotKeyDetector(String name, HeavyKeeper keeper, Settings settings, LongSupplier nanoClock,
                          MeterRegistry meters) {
        this.name = Objects.requireNonNull(name, "name");
        this.keeper = Objects.requireNonNull(keeper, "keeper");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.windowNanos = settings.window().toNanos();
        this.nextFade = new AtomicLong(nanoClock.getAsLong() + windowNanos);
        this.promoted = Counter.builder(HotKeyMetricNames.PROMOTED).tag(HotKeyMetricNames.CACHE, name)
                .description("times a key turned hot").register(meters);
        this.hotGauge = Gauge.builder(HotKeyMetricNames.HOT, this, HotKeyDetector::hotCount)
                .tag(HotKeyMetricNames.CACHE, name).description("keys that are hot now")
                .strongReference(true).register(meters);
    }

    public String name() {
        return name;
    }

    /** Counts one access of {@code key}; true when the key is hot after it. */
    public boolean record(String key) {
        return record(key, 1);
    }

    /** Counts {@code incr} accesses of {@code key}; true when the key is hot after them. */
    public boolean record(String key, int incr) {
        fadeIfDue();
        if (keeper.offer(key, incr) >= settings.minCount()) {
            if (!promotedKeys.contains(key) && promotedKeys.add(key)) {
                promoted.increment();
            }
            return true;
        }
        if (promotedKeys.contains(key)) {
            promotedKeys.remove(key);
        }
        return false;
    }

    /** Whether {@code key} is hot now, without counting an access. */
    public boolean isHot(String key) {
        return keeper.topCount(key) >= settings.minCount();
    }

    /** The hot keys, hottest first. */
    public List<HotKey> hot() {
        return keeper.list().stream().filter(k -> k.count() >= settings.minCount()).toList();
    }

    /**
     * Halves the counts once per window that ended since the last time, if any did; true when it faded. Called by
     * {@link #record} and the background thread; call it directly to drive a detector by hand.
     */
    public boolean fadeIfDue() {
        long now = nanoClock.getAsLong();
        long due = nextFade.get();
        if (now - due < 0) {
            return false;
        }
        long windows = (now - due) / windowNanos + 1;
        // one caller wins the window; the others go on counting
        if (!nextFade.compareAndSet(due, due + windows * windowNanos)) {
            return false;
        }
        for (long i = 0; i < Math.min(windows, MAX_FADINGS); i++) {
            keeper.fading();
        }
        promotedKeys.removeIf(k -> !isHot(k));
        return true;
    }

    /** Starts the background fading check (for windows without reads). */
    public void start() {
        synchronized (lifecycle) {
            if (closed || fader != null) {
                throw new IllegalStateException("hot-key detector " + name + " already started or closed");
            }
            fader = Thread.ofVirtual().name("hotkey-fade-" + name).start(this::fadeLoop);
        }
    }

    /** Stops the background thread (if started) and removes the gauge; the detector still answers after this. */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            t = fader;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        meters.remove(hotGauge);
    }

    private void fadeLoop() {
        while (!closed) {
            long wait = nextFade.get() - nanoClock.getAsLong();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(Math.min(wait, MAX_SLEEP_NANOS)));
                } catch (InterruptedException e) {
                    return;
                }
            }
            fadeIfDue();
        }
    }

    private double hotCount() {
        return hot().size();
    }
}
