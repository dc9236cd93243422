package dev.plaza.comment.biz;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Which subjects are hot right now, detected in process: the top-K subjects by reads over a sliding window, each
 * with at least {@code minHits} reads in it. Reads are counted in a space-saving summary (a fixed number of counters,
 * so memory stays bounded however many subjects are read) per slot of the window; when a slot ends, the summaries of
 * the window's slots are added up and the top K that clear {@code minHits} become the hot set until the next slot
 * ends. A subject therefore turns hot (or cold) at most one slot after its traffic changed.
 *
 * <p>Space-saving overestimates a key's count by at most the count of the counter it took over (its "error"), which
 * is only large for keys that arrived late in a slot with a full summary; that is fine for picking what to cache.
 */
public final class HotSubjects {
    /**
     * @param capacity counters per slot (subjects tracked at once)
     * @param topK     at most this many subjects are hot at a time
     * @param window   how far back reads count
     * @param slots    the window's resolution: the hot set is recomputed every {@code window / slots}
     * @param minHits  reads within the window a subject needs to be hot
     */
    public record Settings(int capacity, int topK, Duration window, int slots, long minHits) {
        public Settings {
            if (capacity < 1 || topK < 1 || topK > capacity) {
                throw new IllegalArgumentException("need 1 <= topK <= capacity, got topK " + topK + ", capacity "
                        + capacity);
            }
            if (slots < 1 || window == null || window.toNanos() < slots) {
                throw new IllegalArgumentException("window must be positive and split into at least one slot");
            }
            if (minHits < 1) {
                throw new IllegalArgumentException("minHits must be at least 1");
            }
        }

        /** 256 counters, top 32, a 10 s window in 5 slots, 50 reads (5 a second) to be hot. */
        public static Settings defaults() {
            return new Settings(256, 32, Duration.ofSeconds(10), 5, 50);
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final long slotNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Closed slots, newest last, each with its slot number. */
    private final Deque<Closed> closed = new ArrayDeque<>();
    private SpaceSaving current;
    private long currentSlot;
    private volatile Set<SubjectKey> hot = Set.of();

    private record Closed(long slot, SpaceSaving summary) {
    }

    public HotSubjects(Settings settings) {
        this(settings, System::nanoTime);
    }

    public HotSubjects(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.slotNanos = settings.window().toNanos() / settings.slots();
        this.currentSlot = Math.floorDiv(nanoClock.getAsLong(), slotNanos);
        this.current = new SpaceSaving(settings.capacity());
    }

    /** Counts one read of {@code key}; true when the subject is hot right now. */
    public boolean touch(SubjectKey key) {
        long slot = Math.floorDiv(nanoClock.getAsLong(), slotNanos);
        lock.lock();
        try {
            if (slot != currentSlot) {
                rotate(slot);
            }
            current.offer(key);
        } finally {
            lock.unlock();
        }
        return hot.contains(key);
    }

    /** Whether {@code key} is hot, without counting a read. */
    public boolean isHot(SubjectKey key) {
        return hot.contains(key);
    }

    /** The hot set as of the last slot that ended. */
    public Set<SubjectKey> hot() {
        long slot = Math.floorDiv(nanoClock.getAsLong(), slotNanos);
        lock.lock();
        try {
            if (slot != currentSlot) {
                rotate(slot);
            }
        } finally {
            lock.unlock();
        }
        return hot;
    }

    private void rotate(long slot) {
        closed.addLast(new Closed(currentSlot, current));
        current = new SpaceSaving(settings.capacity());
        currentSlot = slot;
        // the window is the `slots` slots before the current one
        long oldest = slot - settings.slots();
        while (!closed.isEmpty() && closed.peekFirst().slot() < oldest) {
            closed.removeFirst();
        }
        Map<SubjectKey, Long> sums = new HashMap<>();
        for (Closed c : closed) {
            c.summary().counts.forEach((k, counter) -> sums.merge(k, counter[0], Long::sum));
        }
        List<Map.Entry<SubjectKey, Long>> ranked = new ArrayList<>();
        for (Map.Entry<SubjectKey, Long> e : sums.entrySet()) {
            if (e.getValue() >= settings.minHits()) {
                ranked.add(e);
            }
        }
        ranked.sort(Map.Entry.<SubjectKey, Long>comparingByValue(Comparator.reverseOrder()));
        Set<SubjectKey> next = new java.util.HashSet<>();
        for (int i = 0; i < ranked.size() && i < settings.topK(); i++) {
            next.add(ranked.get(i).getKey());
        }
        hot = Set.copyOf(next);
    }

    /** Metwally et al.'s space-saving: {@code capacity} counters, each {count, error}. Not thread-safe. */
    static final class SpaceSaving {
        final Map<SubjectKey, long[]> counts;
        private final int capacity;

        SpaceSaving(int capacity) {
            this.capacity = capacity;
            this.counts = new HashMap<>(capacity * 2);
        }

        void offer(SubjectKey key) {
            long[] c = counts.get(key);
            if (c != null) {
                c[0]++;
                return;
            }
            if (counts.size() < capacity) {
                counts.put(key, new long[]{1, 0});
                return;
            }
            SubjectKey minKey = null;
            long min = Long.MAX_VALUE;
            for (Map.Entry<SubjectKey, long[]> e : counts.entrySet()) {
                if (e.getValue()[0] < min) {
                    min = e.getValue()[0];
                    minKey = e.getKey();
                }
            }
            counts.remove(minKey);
            counts.put(key, new long[]{min + 1, min});
        }

        long estimate(SubjectKey key) {
            long[] c = counts.get(key);
            return c == null ? 0 : c[0];
        }
    }
}
