package dev.plaza.kit.hotkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Top-K heavy hitters in fixed memory: HeavyKeeper (Gong et al., USENIX ATC 2018), as go-kratos/aegis
 * {@code topk} runs it. A sketch of decaying (fingerprint, count) buckets ({@link Buckets}) estimates each key's
 * count; the K keys with the largest estimates are kept with their counts ({@link TopKeys}). {@link #fading()}
 * halves every count, so run periodically it turns totals into a recent rate and yesterday's hot keys leave.
 *
 * <p>Thread-safe, and built so that the common adds take no lock (measured in {@code HeavyKeeperBenchmark}): the
 * sketch is one CAS per bucket; a member of the top K raises its own count with a CAS; a key outside whose estimate
 * does not beat the published minimum (most of the long tail) stops there. Only an add that may change who is in
 * the top K takes the lock. Keys leaving the top K are handed to the {@code expelled} listener after the lock is
 * released.
 */
public final class HeavyKeeper {
    /**
     * @param k     how many keys to keep
     * @param width buckets per row; aegis sizes it {@code 1024 * ln(k)}: more width, fewer mice in an elephant's bucket
     * @param depth rows (independent hashes); 3 to 5
     * @param decay base of the decay probability {@code decay^count}, in (0, 1); 0.9 to 0.95 (aegis: 0.925)
     * @param seed  of the key hash
     */
    public record Settings(int k, int width, int depth, double decay, long seed) {
        public static final double DEFAULT_DECAY = 0.925;
        public static final int DEFAULT_DEPTH = 4;

        public Settings {
            if (k < 1 || width < 1 || depth < 1 || (long) width * depth > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("need k, width, depth >= 1, got " + k + ", " + width + ", " + depth);
            }
            if (!(decay > 0 && decay < 1)) {
                throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
            }
        }

        /** Aegis's sizing: width {@code 1024 * max(1, ln k)}, depth 4, decay 0.925, a seed of this instance's own. */
        public static Settings forTopK(int k) {
            int factor = Math.max(1, (int) Math.log(Math.max(k, 1)));
            return new Settings(k, 1024 * factor, DEFAULT_DEPTH, DEFAULT_DECAY, ThreadLocalRandom.current().nextLong());
        }
    }

    /**
     * Decay draws from the adding thread's own generator: one shared generator would be a contended (or, for
     * {@code SplittableRandom}, racy) word on every add of the long tail.
     */
    private static final RandomGenerator THREAD_LOCAL = () -> ThreadLocalRandom.current().nextLong();

    private final Settings settings;
    private final KeyHash hash;
    private final Buckets buckets;
    private final RandomGenerator random;
    private final Consumer<HotKey> expelled;
    private final ReentrantLock lock = new ReentrantLock();
    private final TopKeys top;
    /**
     * The count a newcomer must exceed to enter (0 while there is room), readable without the lock: the smallest
     * member's count when last looked at under the lock. Members' counts only rise until the next fading (which
     * republishes it), so this stays a lower bound: a newcomer turned away by it could not have entered (except
     * during a fading, which is approximate anyway).
     */
    private volatile long admission;

    public HeavyKeeper(Settings settings) {
        this(settings, THREAD_LOCAL, hk -> { });
    }

    /**
     * @param random   decay decisions; called from the adding threads without a lock, so it must be thread-safe
     *                 unless only one thread adds (a seeded {@code SplittableRandom} makes a test repeatable)
     * @param expelled told about each key that leaves the top K (pushed out, or faded to zero), with its last count;
     *                 called on the adding (or fading) thread, outside the lock
     */
    public HeavyKeeper(Settings settings, RandomGenerator random, Consumer<HotKey> expelled) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.expelled = Objects.requireNonNull(expelled, "expelled");
        this.hash = new KeyHash(settings.seed());
        this.buckets = new Buckets(settings.width(), settings.depth(), settings.decay());
        this.top = new TopKeys(settings.k());
    }

    public Settings settings() {
        return settings;
    }

    /** Counts {@code incr} more of {@code key}; true when the key is in the top K after this. */
    public boolean add(String key, int incr) {
        return offer(key, incr) >= 0;
    }

    /**
     * Counts {@code incr} more of {@code key} and returns its count in the top K after this, or -1 when it is not
     * in the top K.
     */
    public long offer(String key, int incr) {
        if (incr < 1) {
            throw new IllegalArgumentException("incr must be positive, got " + incr);
        }
        long estimate = buckets.add(hash.hash(key), incr, random);
        TopKeys.Node member = top.get(key);
        if (member != null) {
            // like the paper, a member keeps the largest estimate seen: counts only rise between fadings
            return member.raise(estimate);
        }
        if (estimate <= admission) {
            return -1; // the long tail: cannot beat the smallest member, no lock
        }
        HotKey out = null;
        long result = -1;
        lock.lock();
        try {
            member = top.get(key);
            if (member != null) {
                result = member.raise(estimate);
            } else if (!top.full()) {
                top.add(new TopKeys.Node(key, estimate));
                result = estimate;
            } else {
                TopKeys.Node min = top.min();
                if (estimate > min.count) {
                    top.replace(min, new TopKeys.Node(key, estimate));
                    out = new HotKey(min.key, min.count);
                    result = estimate;
                }
            }
            publishAdmission();
        } finally {
            lock.unlock();
        }
        if (out != null) {
            expelled.accept(out);
        }
        return result;
    }

    /** Whether {@code key} is in the top K now (lock-free). */
    public boolean contains(String key) {
        return top.get(key) != null;
    }

    /** The key's count in the top K, or -1 when it is not a member (lock-free). */
    public long topCount(String key) {
        TopKeys.Node n = top.get(key);
        return n == null ? -1 : n.count;
    }

    /** The sketch's estimate of any key's count, member or not, without counting it. */
    public long estimate(String key) {
        return buckets.estimate(hash.hash(key));
    }

    /** The top K, largest count first. */
    public List<HotKey> list() {
        lock.lock();
        try {
            return top.sorted();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Halves every count, in the sketch and in the top K; members that reach zero leave it (and are reported as
     * expelled). Run it every window: a key's count then tracks its recent rate (about 1 to 2 windows' worth), and a
     * key that stopped being read fades out within log2(its count) windows.
     */
    public void fading() {
        List<HotKey> gone = new ArrayList<>();
        buckets.halve();
        lock.lock();
        try {
            top.halve();
            for (TopKeys.Node n : top.zeros()) {
                top.remove(n);
                gone.add(new HotKey(n.key, 0));
            }
            publishAdmission();
        } finally {
            lock.unlock();
        }
        gone.forEach(expelled);
    }

    private void publishAdmission() {
        admission = top.full() ? top.min().count : 0;
    }
}
