package dev.plaza.history.biz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges play reports in process before they go to the job: per (mid, kid) only the latest record is kept (last
 * write wins), and every {@code flushInterval}, or as soon as {@code maxPending} keys wait, the pending records are
 * handed to the {@link FlushSink} grouped by region ({@code mid % regions}), so one message carries many users. A
 * player reports every 15 s, so the store sees about {@code flushInterval / 15 s} times fewer writes than reports
 * (12 with the default 3 min). Reports land in Redis at once, so readers never wait for a flush; what a crash loses
 * is only the store's copy of the reports merged since the last flush (Redis keeps them for readers).
 *
 * <p>A flush that fails puts its records back (a newer record that arrived meanwhile wins) and the next flush tries
 * again; while the sink is down the pending map is bounded by {@code maxPending} x 4: past that, {@link #offer}
 * refuses, and the report path answers "overloaded" rather than grow without bound. {@link #close()} flushes what is
 * pending, so a clean stop loses nothing that was acknowledged.
 */
public final class HistoryMerger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryMerger.class);

    /**
     * @param flushInterval     how often pending records go out
     * @param maxPending        pending keys that trigger a flush before the interval
     * @param regions           groups of users per message ({@code mid % regions})
     * @param maxPerMessage     records per message at most (a region with more is split)
     */
    public record Settings(Duration flushInterval, int maxPending, int regions, int maxPerMessage) {
        public Settings {
            if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
                throw new IllegalArgumentException("flushInterval must be positive");
            }
            if (maxPending < 1 || regions < 1 || maxPerMessage < 1) {
                throw new IllegalArgumentException("maxPending, regions and maxPerMessage must be positive");
            }
        }

        /** 3 min or 500,000 keys, 16 regions, 1,000 records per message. */
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(3), 500_000, 16, 1000);
        }
    }

    /** Counters: reports offered, refused (overloaded), records and messages sent, failed flushes. */
    public record Stats(long offered, long refused, long recordsOut, long messagesOut, long failedFlushes) {
    }

    private final FlushSink sink;
    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock flushing = new ReentrantLock();
    private Map<HistoryKey, HistoryRecord> pending = new HashMap<>();
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong recordsOut = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();
    private final AtomicLong failedFlushes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean earlyFlushQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private ScheduledExecutorService timer;

    public HistoryMerger(FlushSink sink, Settings settings) {
        this.sink = sink;
        this.settings = settings;
    }

    /** Starts the interval flushes. */
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "history-merger");
            t.setDaemon(true);
            return t;
        });
        long ms = settings.flushInterval().toMillis();
        timer.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Keeps the record if it is the newest of its key. False when too much is pending because the sink has been
     * failing (the caller should answer "overloaded"); the record is then not kept.
     */
    public boolean offer(HistoryRecord r) {
        boolean flushNow;
        lock.lock();
        try {
            HistoryRecord old = pending.get(r.key());
            if (old == null && pending.size() >= settings.maxPending() * 4) {
                refused.incrementAndGet();
                return false;
            }
            if (old == null || old.isReplacedBy(r)) {
                pending.put(r.key(), r);
            }
            offered.incrementAndGet();
            flushNow = pending.size() >= settings.maxPending();
        } finally {
            lock.unlock();
        }
        if (flushNow && timer != null && earlyFlushQueued.compareAndSet(false, true)) {
            // off the caller's thread (a report never waits for Kafka), and one queued at a time
            timer.execute(() -> {
                earlyFlushQueued.set(false);
                flushQuietly();
            });
        }
        return true;
    }

    /** Keys waiting for the next flush. */
    public int pending() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    public Stats stats() {
        return new Stats(offered.get(), refused.get(), recordsOut.get(), messagesOut.get(), failedFlushes.get());
    }

    /**
     * Sends everything pending now, one message after another; at the first message the sink refuses, that message
     * and the ones not yet sent go back to pending and the failure is rethrown.
     */
    public void flush() {
        flushing.lock(); // one flush at a time: the order of two flushes of one key must not invert
        try {
            Map<HistoryKey, HistoryRecord> batch;
            lock.lock();
            try {
                if (pending.isEmpty()) {
                    return;
                }
                batch = pending;
                pending = new HashMap<>();
            } finally {
                lock.unlock();
            }
            Map<Integer, List<HistoryRecord>> byRegion = new LinkedHashMap<>();
            for (HistoryRecord r : batch.values()) {
                byRegion.computeIfAbsent((int) (r.mid() % settings.regions()), k -> new ArrayList<>()).add(r);
            }
            // stop at the first failure: the broker is away, and trying every other message would hold a stop
            // (or the next flush) for a send timeout each; what was not sent goes back to pending
            List<List<HistoryRecord>> messages = new ArrayList<>();
            for (Map.Entry<Integer, List<HistoryRecord>> e : byRegion.entrySet()) {
                List<HistoryRecord> records = e.getValue();
                for (int from = 0; from < records.size(); from += settings.maxPerMessage()) {
                    messages.add(records.subList(from, Math.min(records.size(), from + settings.maxPerMessage())));
                }
            }
            for (int m = 0; m < messages.size(); m++) {
                List<HistoryRecord> part = messages.get(m);
                try {
                    sink.publish((int) (part.getFirst().mid() % settings.regions()), List.copyOf(part));
                    recordsOut.addAndGet(part.size());
                    messagesOut.incrementAndGet();
                } catch (RuntimeException ex) {
                    for (int rest = m; rest < messages.size(); rest++) {
                        putBack(messages.get(rest));
                    }
                    failedFlushes.incrementAndGet();
                    throw ex;
                }
            }
        } finally {
            flushing.unlock();
        }
    }

    private void putBack(List<HistoryRecord> records) {
        lock.lock();
        try {
            for (HistoryRecord r : records) {
                HistoryRecord newer = pending.get(r.key());
                if (newer == null || !r.isReplacedBy(newer)) {
                    pending.put(r.key(), r);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("history flush failed, {} keys stay pending and go with the next flush: {}", pending(),
                    e.toString());
        }
    }

    /**
     * Stops the interval flushes, then flushes what is pending, retrying for up to {@code timeout}. What still could
     * not be sent is logged with its count (those reports stay in Redis, where readers see them).
     */
    public void close(Duration timeout) {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                flush();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    log.error("history merger stopped with {} keys not flushed to the job: {}", pending(),
                            e.toString());
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
