package dev.plaza.history.biz;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The history use cases. A report lands in Redis at once (readers see it), is merged in process and later written
 * to the store by the job; reads come from Redis and, past the cached tail (the newest {@code cap} per user), from
 * the store (cache-aside without refill: old pages are rare and must not push recent records out). The first page
 * of a user who is hot right now is served from a short-lived local tier ({@link HotHistoryPages}); every change
 * this instance makes to a user's history drops that user's local pages once it is in Redis.
 */
public final class HistoryUsecase {
    /** Records per page at most (Bilibili's cursor API takes up to 30). */
    public static final int PAGE_MAX = 30;
    public static final int PLATFORM_MAX = 32;
    /** Store pages read at most to fill one page past the cached tail (rows Redis holds newer are skipped). */
    private static final int STORE_ROUNDS = 5;

    private final HistoryCache cache;
    private final HistoryStore store;
    private final PauseSwitch pause;
    private final FirstViewGate firstView;
    private final FirstViewEvents firstViewEvents;
    private final HistoryMerger merger;
    private final HotHistoryPages hot;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param hot  the hot users' first pages
     * @param zone where "today" is, for the first view of the day
     */
    public HistoryUsecase(HistoryCache cache, HistoryStore store, PauseSwitch pause, FirstViewGate firstView,
                          FirstViewEvents firstViewEvents, HistoryMerger merger, HotHistoryPages hot, Clock clock,
                          ZoneId zone) {
        this.cache = cache;
        this.store = store;
        this.pause = pause;
        this.firstView = firstView;
        this.firstViewEvents = firstViewEvents;
        this.merger = merger;
        this.hot = hot;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * One play report: where {@code mid} is in {@code kid}.
     *
     * @param progress seconds into part {@code cid}, or -1 when played to the end
     */
    public record Report(long mid, Kid kid, long cid, long progress, String platform) {
    }

    /**
     * Records where {@code mid} is in {@code kid}.
     *
     * @return false when the user paused their history (the report is accepted and dropped)
     * @throws dev.plaza.kit.errors.PlazaError -101 without a user, -400 for bad values, -503 when reports back up
     */
    public boolean report(long mid, Kid kid, long cid, long progress, String platform) {
        return reportAll(List.of(new Report(mid, kid, cid, progress, platform))) == 1;
    }

    /**
     * Records a batch of reports (of any users) with one Redis write. Every report is checked before any is taken,
     * so a bad one changes nothing.
     *
     * @return how many were taken (reports of users who paused their history are accepted and dropped)
     * @throws dev.plaza.kit.errors.PlazaError -101 without a user, -400 for bad values, -503 when reports back up
     */
    public int reportAll(List<Report> reports) {
        for (Report r : reports) {
            check(r);
        }
        Instant at = clock.instant();
        long now = at.toEpochMilli();
        List<HistoryRecord> taken = new ArrayList<>(reports.size());
        boolean refused = false;
        for (Report r : reports) {
            if (pause.isPaused(r.mid())) {
                continue;
            }
            HistoryRecord rec = new HistoryRecord(new HistoryKey(r.mid(), r.kid()), r.cid(), r.progress(),
                    r.platform() == null ? "" : r.platform(), now);
            if (!merger.offer(rec)) {
                refused = true;
                break;
            }
            taken.add(rec);
        }
        try {
            cache.putAll(taken);
        } finally {
            // also when the write failed: part of a pipelined batch may have landed
            taken.forEach(rec -> hot.changed(rec.mid()));
        }
        if (refused) {
            throw HistoryErrors.overloaded();
        }
        LocalDate today = LocalDate.ofInstant(at, zone);
        for (HistoryRecord rec : taken) {
            if (firstView.firstToday(rec.mid(), today)) {
                firstViewEvents.firstView(rec.mid(), rec.kid(), now);
            }
        }
        return taken.size();
    }

    private static void check(Report r) {
        if (r.mid() <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        if (r.kid() == null) {
            throw HistoryErrors.badParameter("kid", "is required");
        }
        if (r.cid() < 0) {
            throw HistoryErrors.badParameter("cid", "must not be negative");
        }
        if (r.progress() < HistoryRecord.FINISHED) {
            throw HistoryErrors.badParameter("progress", "must be -1 (finished) or at least 0");
        }
        if (r.platform() != null && r.platform().length() > PLATFORM_MAX) {
            throw HistoryErrors.badParameter("platform", "must be at most " + PLATFORM_MAX + " characters");
        }
    }

    /**
     * A page of {@code mid}'s history, newest first, strictly older than {@code beforeViewAt} (0 = from the newest),
     * of one business or all ({@code business} null).
     */
    public HistoryPage list(long mid, long beforeViewAt, Business business, int ps) {
        if (mid <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        if (ps < 1 || ps > PAGE_MAX) {
            throw HistoryErrors.badParameter("ps", "must be 1 to " + PAGE_MAX);
        }
        if (beforeViewAt < 0) {
            throw HistoryErrors.badParameter("view_at", "must not be negative");
        }
        if (beforeViewAt == 0) {
            // the page a polling client or a shared account reads again and again: a hot user's is kept locally
            return hot.firstPage(mid, business, ps, () -> load(mid, 0, business, ps));
        }
        hot.heat(mid);
        return load(mid, beforeViewAt, business, ps);
    }

    /** A page from Redis and, past the cached tail, the store. */
    private HistoryPage load(long mid, long beforeViewAt, Business business, int ps) {
        List<HistoryRecord> out = new ArrayList<>(cache.list(mid, beforeViewAt, business, ps));
        if (out.size() < ps) {
            // past the cached tail: the store, skipping keys Redis holds (their newer version was listed, or is
            // newer than this page); read on while skipped rows leave the page short
            Set<HistoryKey> seen = new HashSet<>();
            out.forEach(r -> seen.add(r.key()));
            long from = out.isEmpty() ? beforeViewAt : out.getLast().viewAt();
            for (int round = 0; out.size() < ps && round < STORE_ROUNDS; round++) {
                List<HistoryRecord> older = store.list(mid, from, business, ps);
                if (older.isEmpty()) {
                    break;
                }
                List<HistoryKey> candidates = new ArrayList<>();
                for (HistoryRecord r : older) {
                    if (!seen.contains(r.key())) {
                        candidates.add(r.key());
                    }
                }
                Map<HistoryKey, HistoryRecord> cached = candidates.isEmpty() ? Map.of() : cache.latest(candidates);
                for (HistoryRecord r : older) {
                    if (out.size() == ps) {
                        break;
                    }
                    if (!seen.contains(r.key()) && !cached.containsKey(r.key())) {
                        out.add(r);
                        seen.add(r.key());
                    }
                }
                if (older.size() < ps) {
                    break; // the store has nothing older
                }
                from = older.getLast().viewAt();
            }
        }
        long next = out.size() == ps ? out.getLast().viewAt() : 0;
        return new HistoryPage(out, next);
    }

    /** Where the player should resume {@code kid} for {@code mid}: the latest record, from Redis. */
    public Optional<HistoryRecord> resume(long mid, Kid kid) {
        if (mid <= 0) {
            return Optional.empty();
        }
        return cache.get(new HistoryKey(mid, kid));
    }

    /** Deletes records from Redis and the store. */
    public void delete(long mid, Collection<Kid> kids) {
        if (mid <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        if (kids.isEmpty() || kids.size() > 100) {
            throw HistoryErrors.badParameter("kid", "must name 1 to 100 records");
        }
        try {
            cache.delete(mid, kids, clock.millis()); // the tombstone first: the job checks it before writing
            store.delete(mid, kids);
        } finally {
            hot.changed(mid); // after the store too: a short first page shows store rows
        }
    }

    /** Deletes all of a user's history. */
    public void clear(long mid) {
        if (mid <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        try {
            cache.clear(mid, clock.millis());
            store.clear(mid);
        } finally {
            hot.changed(mid);
        }
    }

    public void setPaused(long mid, boolean paused) {
        if (mid <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        pause.setPaused(mid, paused);
        // pages do not show the switch today; dropping them keeps "a user's change shows at once here" one rule
        hot.changed(mid);
    }

    public boolean isPaused(long mid) {
        if (mid <= 0) {
            throw HistoryErrors.notLoggedIn();
        }
        return pause.isPaused(mid);
    }
}
