package dev.plaza.comment.biz;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.RebuildEvent;
import dev.plaza.kit.hotkey.HotKeyCache;
import dev.plaza.kit.hotkey.HotKeyDetector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path: subject (cache, then tables) -> page of rpids from the sorted-set index of (subject, sort) -> comment
 * entries by MGET (misses filled from the tables and put back) -> the first replies of each root -> the reader's
 * likes. When an index is not cached, the page is read from the tables (concurrent readers of the same page share
 * one query) and one rebuild of that index is asked of the job: the {@link RebuildGate} lets exactly one caller per
 * index publish, and remembers it for the quiet period while the job works. Every root-list read heats its
 * subject in a {@link HotKeyDetector}; the first pages of a subject that is hot right now are served from a
 * short-lived local tier ({@link HotKeyCache}), so its readers stop hammering the one Redis shard that owns it.
 *
 * <p>Redis failures degrade to the tables rather than fail the read.
 */
public final class CommentReadUsecase {
    private static final Logger log = LoggerFactory.getLogger(CommentReadUsecase.class);

    /**
     * @param localTtl      how long a hot subject's page is served from the local tier (keep it short: 1-2 s)
     * @param localMaxPages bound on the local tier
     * @param localPages    pages 1..localPages of a hot subject are cached locally
     * @param rebuildQuiet  after asking for the rebuild of an index, how long misses of it ask for nothing more
     */
    public record Settings(Duration localTtl, long localMaxPages, int localPages, Duration rebuildQuiet) {
        public Settings {
            if (localTtl == null || localTtl.isNegative() || localTtl.isZero()) {
                throw new IllegalArgumentException("localTtl must be positive");
            }
            if (localMaxPages < 1 || localPages < 0) {
                throw new IllegalArgumentException("localMaxPages must be positive and localPages not negative");
            }
            if (rebuildQuiet == null || rebuildQuiet.isNegative() || rebuildQuiet.isZero()) {
                throw new IllegalArgumentException("rebuildQuiet must be positive");
            }
        }

        /** 1 s local TTL, 10,000 pages, the first 3 pages of hot subjects, 5 s between rebuilds of one index. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), 10_000, 3, Duration.ofSeconds(5));
        }
    }

    /**
     * Counters for tests and metrics. {@code localHits}: pages answered by the local tier, including readers that
     * waited for another reader's load of the same page instead of loading it themselves.
     */
    public record Stats(long rebuildsPublished, long tablePageReads, long localHits, long cacheErrors) {
    }

    /** A root page as the local tier keeps it; heat is counted per subject, so all its pages heat it together. */
    private record LocalPage(SubjectKey key, Sort sort, int pn, int ps) {
        String subject() {
            return heatName(key);
        }
    }

    private record PageKey(SubjectKey key, int sort, long root, int offset, int limit) {
    }

    private record FillKey(SubjectKey key, List<Long> rpids) {
    }

    /** Ids of a page, with the index rows when they came from the tables (saves reading them again). */
    private record Ids(List<Long> rpids, Map<Long, ReplyIndex> known) {
    }

    private final CommentCache cache;
    private final CommentReadRepo repo;
    private final CommentEvents events;
    private final SubjectDirectory subjects;
    private final HotKeyDetector heat;
    private final Settings settings;
    private final Clock clock;
    private final RebuildGate gate;
    private final SingleFlight<PageKey, List<ReplyIndex>> tablePages = new SingleFlight<>();
    private final SingleFlight<FillKey, Map<Long, Reply>> fills = new SingleFlight<>();
    private final HotKeyCache<LocalPage, RootPage> local;
    private final AtomicLong rebuildsPublished = new AtomicLong();
    private final AtomicLong tablePageReads = new AtomicLong();
    private final AtomicLong cacheErrors = new AtomicLong();

    /**
     * @param heat which subjects are hot; the server owns it (starts and closes it), this only records reads in it
     */
    public CommentReadUsecase(CommentCache cache, CommentReadRepo repo, CommentEvents events,
                              SubjectDirectory subjects, HotKeyDetector heat, Settings settings, Clock clock) {
        this(cache, repo, events, subjects, heat, settings, clock, Ticker.systemTicker());
    }

    /** @param ticker the local tier's clock for its TTL (tests move a fake one instead of sleeping) */
    CommentReadUsecase(CommentCache cache, CommentReadRepo repo, CommentEvents events, SubjectDirectory subjects,
                       HotKeyDetector heat, Settings settings, Clock clock, Ticker ticker) {
        this.cache = cache;
        this.repo = repo;
        this.events = events;
        this.subjects = subjects;
        this.heat = heat;
        this.settings = settings;
        this.clock = clock;
        this.gate = new RebuildGate(settings.rebuildQuiet());
        this.local = new HotKeyCache<>(heat, LocalPage::subject,
                new HotKeyCache.Settings(settings.localTtl(), settings.localMaxPages()), ticker);
    }

    public Stats stats() {
        return new Stats(rebuildsPublished.get(), tablePageReads.get(), local.stats().hits(), cacheErrors.get());
    }

    /** The subject's name in the hot-key detector: {@code type:oid}. */
    static String heatName(SubjectKey key) {
        return key.kafkaKey();
    }

    // ---- subjects ----

    /** The stored subject (cache, then tables), or empty when nobody has commented on the object yet. */
    public Optional<Subject> findSubject(SubjectKey key) {
        Optional<Subject> cached = safe(() -> cache.subject(key), Optional.empty());
        if (cached.isPresent()) {
            return cached;
        }
        Optional<Subject> stored = repo.subject(key);
        stored.ifPresent(s -> safeRun(() -> cache.putSubject(s)));
        return stored;
    }

    /**
     * The subject; for an object that exists but has no comment area yet, an empty open one (counts 0) owned by the
     * object's owner. -404 when the object does not exist.
     */
    public Subject subject(SubjectKey key) {
        return findSubject(key).map(this::withOwner).orElseGet(() -> emptySubject(key));
    }

    /** A subject stored before its owner was known (closed before the video's event arrived) gets it here. */
    private Subject withOwner(Subject s) {
        if (s.ownerMid() != 0) {
            return s;
        }
        OptionalLong owner = subjects.ownerOf(s.key());
        return owner.isEmpty() ? s : new Subject(s.key(), owner.getAsLong(), s.floorCount(), s.rootCount(),
                s.allCount(), s.state(), s.attrs(), s.topRpid(), s.ctime(), s.mtime());
    }

    private Subject emptySubject(SubjectKey key) {
        OptionalLong owner = subjects.ownerOf(key);
        if (owner.isEmpty()) {
            throw CommentErrors.subjectNotFound(key);
        }
        return new Subject(key, owner.getAsLong(), 0, 0, 0, Subject.STATE_OPEN, 0, 0, null, null);
    }

    /** All visible comments of the subject (roots and replies); -404 when the object does not exist. */
    public int count(SubjectKey key) {
        return subject(key).allCount();
    }

    // ---- lists ----

    /** Page {@code pn} (from 1) of {@code ps} (1..20) roots in {@code sort} order, each with its first 3 replies. */
    public RootPage listRoots(SubjectKey key, Sort sort, int pn, int ps, long readerMid) {
        checkPage(pn, ps);
        RootPage page;
        if (pn <= settings.localPages()) {
            // counts the read; a cold subject loads, a hot one is answered locally (one load per page and TTL)
            page = local.get(new LocalPage(key, sort, pn, ps), p -> loadRoots(key, sort, pn, ps));
        } else {
            // deep pages are too many and too rarely shared to keep, but their readers still heat the subject
            heat.record(heatName(key));
            page = loadRoots(key, sort, pn, ps);
        }
        return readerMid > 0 ? withActions(key, page, readerMid) : page;
    }

    /** Page {@code pn} of {@code ps} replies under {@code root}, by floor. -404 when the root is not visible here. */
    public ReplyPage listReplies(SubjectKey key, long root, int pn, int ps, long readerMid) {
        checkPage(pn, ps);
        Subject s = subject(key);
        Reply r = visibleReply(key, root);
        if (!r.index().isRoot()) {
            throw CommentErrors.badThread("comment " + root + " is not a root comment");
        }
        int offset = (pn - 1) * ps;
        List<ReplyNode> nodes = new ArrayList<>();
        if (r.index().rcount() > 0 || r.index().count() > 0) {
            Ids ids = replyIds(key, root, offset, ps, r.index().rcount());
            Map<Long, Reply> found = load(key, ids.rpids(), ids.known());
            for (long id : ids.rpids()) {
                Reply c = found.get(id);
                if (c != null && visibleIn(key, c) && c.index().root() == root) {
                    nodes.add(ReplyNode.of(c));
                }
            }
        }
        ReplyPage page = new ReplyPage(s, ReplyNode.of(r), pn, ps, nodes);
        if (readerMid <= 0) {
            return page;
        }
        List<Long> rpids = new ArrayList<>();
        rpids.add(root);
        nodes.forEach(n -> rpids.add(n.rpid()));
        Map<Long, Integer> actions = repo.actions(key, readerMid, rpids);
        if (actions.isEmpty()) {
            return page;
        }
        return new ReplyPage(s, page.root().withActions(actions), pn, ps,
                nodes.stream().map(n -> n.withActions(actions)).toList());
    }

    /** One visible comment of the subject. -404 otherwise. */
    public Reply getReply(SubjectKey key, long rpid) {
        return visibleReply(key, rpid);
    }

    /** A comment in any state (cache first, then tables), if it belongs to this subject. */
    public Optional<Reply> findReply(SubjectKey key, long rpid) {
        return lookup(key, rpid).filter(r -> r.index().key().equals(key));
    }

    /**
     * A comment by rpid in any state and any subject: the cache first (entries are keyed by rpid alone), then the
     * tables of {@code key}'s shard.
     */
    public Optional<Reply> lookup(SubjectKey key, long rpid) {
        if (rpid <= 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(load(key, List.of(rpid), Map.of()).get(rpid));
    }

    private Reply visibleReply(SubjectKey key, long rpid) {
        return findReply(key, rpid).filter(r -> ReplyState.visible(r.index().state()))
                .orElseThrow(() -> CommentErrors.replyNotFound(rpid));
    }

    private RootPage loadRoots(SubjectKey key, Sort sort, int pn, int ps) {
        Optional<Subject> stored = findSubject(key);
        if (stored.isEmpty()) {
            // nobody commented yet: nothing to look up (and -404 when the object does not exist)
            return new RootPage(emptySubject(key), sort, pn, ps, List.of(), Optional.empty(), false);
        }
        Subject s = withOwner(stored.get());
        int offset = (pn - 1) * ps;
        Ids ids = rootIds(key, sort, offset, ps + 1, s.rootCount()); // one more tells whether it goes on
        boolean hasMore = ids.rpids().size() > ps;
        List<Long> pageIds = hasMore ? ids.rpids().subList(0, ps) : ids.rpids();
        long top = pn == 1 ? s.topRpid() : 0;
        List<Long> want = new ArrayList<>(pageIds.size() + 1);
        for (long id : pageIds) {
            if (id != s.topRpid()) {
                want.add(id);
            }
        }
        if (top != 0) {
            want.add(top);
        }
        Map<Long, Reply> roots = load(key, want, ids.known());
        List<Reply> shown = new ArrayList<>();
        for (long id : want) {
            Reply r = roots.get(id);
            if (r != null && visibleIn(key, r) && r.index().isRoot()) {
                shown.add(r);
            }
        }
        Map<Long, List<Reply>> kids = firstReplies(key, shown);
        List<ReplyNode> nodes = new ArrayList<>();
        ReplyNode topNode = null;
        for (Reply r : shown) {
            ReplyNode n = new ReplyNode(r, kids.getOrDefault(r.rpid(), List.of()).stream().map(ReplyNode::of).toList(), 0);
            if (r.rpid() == top) {
                topNode = n;
            } else {
                nodes.add(n);
            }
        }
        return new RootPage(s, sort, pn, ps, nodes, Optional.ofNullable(topNode), hasMore);
    }

    /**
     * A page of root ids: from the cached index, else from the tables (and a rebuild). A rebuilt index holds the
     * first roots only (the job's read-ahead), so a page the index runs out on while the subject has more roots is
     * read from the tables too, without asking for a rebuild.
     */
    private Ids rootIds(SubjectKey key, Sort sort, int offset, int limit, int total) {
        if (offset + limit > CommentRules.CACHED_ROOTS_MAX && total > CommentRules.CACHED_ROOTS_MAX) {
            return tableRoots(key, sort, offset, limit); // past the cached prefix (see CACHED_ROOTS_MAX)
        }
        Optional<List<Long>> cached = safe(() -> cache.rootPage(key, sort, offset, limit), Optional.empty());
        if (cached.isEmpty()) {
            requestRebuild(new RebuildGate.Target(key, sort.code(), 0));
        } else if (cached.get().size() == limit || offset + cached.get().size() >= total) {
            return new Ids(cached.get(), Map.of());
        }
        return tableRoots(key, sort, offset, limit);
    }

    private Ids tableRoots(SubjectKey key, Sort sort, int offset, int limit) {
        List<ReplyIndex> rows = tablePages.run(new PageKey(key, sort.code(), 0, offset, limit), () -> {
            tablePageReads.incrementAndGet();
            return repo.roots(key, sort, offset, limit);
        });
        return fromRows(rows);
    }

    /** A page of reply ids of one root; like {@link #rootIds} with the root's visible replies as the total. */
    private Ids replyIds(SubjectKey key, long root, int offset, int limit, int total) {
        if (offset + limit > CommentRules.CACHED_REPLIES_MAX && total > CommentRules.CACHED_REPLIES_MAX) {
            return tableReplies(key, root, offset, limit); // past the cached prefix (see CACHED_REPLIES_MAX)
        }
        Optional<List<Long>> cached = safe(() -> cache.replyPage(key, root, offset, limit), Optional.empty());
        if (cached.isEmpty()) {
            requestRebuild(new RebuildGate.Target(key, 0, root));
        } else if (cached.get().size() == limit || offset + cached.get().size() >= total) {
            return new Ids(cached.get(), Map.of());
        }
        return tableReplies(key, root, offset, limit);
    }

    private Ids tableReplies(SubjectKey key, long root, int offset, int limit) {
        List<ReplyIndex> rows = tablePages.run(new PageKey(key, -1, root, offset, limit), () -> {
            tablePageReads.incrementAndGet();
            return repo.replies(key, root, offset, limit);
        });
        return fromRows(rows);
    }

    private static Ids fromRows(List<ReplyIndex> rows) {
        List<Long> ids = new ArrayList<>(rows.size());
        Map<Long, ReplyIndex> known = new HashMap<>();
        for (ReplyIndex r : rows) {
            ids.add(r.rpid());
            known.put(r.rpid(), r);
        }
        return new Ids(ids, known);
    }

    /** The first replies of each root that has any: its cached reply index, else the tables (and a rebuild). */
    private Map<Long, List<Reply>> firstReplies(SubjectKey key, List<Reply> roots) {
        List<Long> withReplies = new ArrayList<>();
        for (Reply r : roots) {
            if (r.index().rcount() > 0) {
                withReplies.add(r.rpid());
            }
        }
        if (withReplies.isEmpty()) {
            return Map.of();
        }
        Map<Long, Optional<List<Long>>> pages = fanOut(withReplies,
                root -> safe(() -> cache.replyPage(key, root, 0, CommentRules.FIRST_REPLIES), Optional.empty()));
        Map<Long, List<Long>> ids = new LinkedHashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long root : withReplies) {
            Optional<List<Long>> p = pages.get(root);
            if (p != null && p.isPresent()) {
                ids.put(root, p.get());
            } else {
                missing.add(root);
            }
        }
        Map<Long, ReplyIndex> known = new HashMap<>();
        if (!missing.isEmpty()) {
            for (long root : missing) {
                requestRebuild(new RebuildGate.Target(key, 0, root));
            }
            Map<Long, List<ReplyIndex>> rows = repo.firstReplies(key, missing, CommentRules.FIRST_REPLIES);
            for (long root : missing) {
                List<Long> list = new ArrayList<>();
                for (ReplyIndex r : rows.getOrDefault(root, List.of())) {
                    list.add(r.rpid());
                    known.put(r.rpid(), r);
                }
                ids.put(root, list);
            }
        }
        List<Long> all = new ArrayList<>();
        ids.values().forEach(all::addAll);
        Map<Long, Reply> found = load(key, all, known);
        Map<Long, List<Reply>> out = new HashMap<>();
        ids.forEach((root, list) -> {
            List<Reply> kids = new ArrayList<>(list.size());
            for (long id : list) {
                Reply c = found.get(id);
                if (c != null && visibleIn(key, c) && c.index().root() == root) {
                    kids.add(c);
                }
            }
            out.put(root, kids);
        });
        return out;
    }

    /**
     * Comment entries by MGET; misses are read from the tables ({@code known} index rows spare that part), put back
     * into the cache, and shared by concurrent readers missing the same set.
     */
    private Map<Long, Reply> load(SubjectKey key, List<Long> rpids, Map<Long, ReplyIndex> known) {
        if (rpids.isEmpty()) {
            return Map.of();
        }
        Map<Long, Reply> found = new HashMap<>(safe(() -> cache.replies(rpids), Map.of()));
        List<Long> missing = new ArrayList<>();
        for (long id : new LinkedHashSet<>(rpids)) {
            if (!found.containsKey(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            found.putAll(fills.run(new FillKey(key, missing), () -> fill(key, missing, known)));
        }
        return found;
    }

    private Map<Long, Reply> fill(SubjectKey key, List<Long> missing, Map<Long, ReplyIndex> known) {
        Map<Long, ReplyIndex> indexes = new HashMap<>();
        List<Long> unknown = new ArrayList<>();
        for (long id : missing) {
            ReplyIndex r = known.get(id);
            if (r != null) {
                indexes.put(id, r);
            } else {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            indexes.putAll(repo.indexes(key, unknown));
        }
        if (indexes.isEmpty()) {
            return Map.of();
        }
        Map<Long, ReplyContent> contents = repo.contents(key, indexes.keySet());
        Map<Long, Reply> out = new HashMap<>();
        for (Map.Entry<Long, ReplyIndex> e : indexes.entrySet()) {
            ReplyContent c = contents.get(e.getKey());
            if (c != null) {
                out.put(e.getKey(), new Reply(e.getValue(), c));
            }
        }
        if (!out.isEmpty()) {
            safeRun(() -> cache.putReplies(out.values()));
        }
        return out;
    }

    private RootPage withActions(SubjectKey key, RootPage page, long mid) {
        List<Long> rpids = page.rpids();
        if (rpids.isEmpty()) {
            return page;
        }
        Map<Long, Integer> actions = repo.actions(key, mid, rpids);
        return actions.isEmpty() ? page : page.withActions(actions);
    }

    /** Publishes one rebuild of {@code target} if this caller took the gate; in the background, off the read. */
    private void requestRebuild(RebuildGate.Target target) {
        if (!gate.tryAcquire(target)) {
            return;
        }
        CommentEvent event = CommentEvent.newBuilder()
                .setRebuild(RebuildEvent.newBuilder().setType(target.key().type()).setOid(target.key().oid())
                        .setSort(target.sort()).setRoot(target.root()))
                .setEventTime(clock.millis())
                .build();
        Thread.ofVirtual().name("comment-rebuild-request").start(() -> {
            try {
                events.publish(target.key(), event);
                rebuildsPublished.incrementAndGet();
            } catch (RuntimeException e) {
                gate.release(target);
                log.warn("could not ask for the rebuild of {}: {}", target, e.toString());
            }
        });
    }

    private static boolean visibleIn(SubjectKey key, Reply r) {
        return ReplyState.visible(r.index().state()) && r.index().key().equals(key);
    }

    static void checkPage(int pn, int ps) {
        if (pn < 1 || pn > CommentRules.PAGE_NUMBER_MAX) {
            throw CommentErrors.badParameter("pn", "must be 1 to " + CommentRules.PAGE_NUMBER_MAX);
        }
        if (ps < 1 || ps > CommentRules.PAGE_SIZE_MAX) {
            throw CommentErrors.badParameter("ps", "must be 1 to " + CommentRules.PAGE_SIZE_MAX);
        }
    }

    /** Runs one look-up per item, concurrently when there are several (the cache pipelines them on one connection). */
    private static <T, R> Map<T, R> fanOut(Collection<T> items, java.util.function.Function<T, R> fn) {
        Map<T, R> out = new HashMap<>();
        if (items.size() <= 1) {
            items.forEach(i -> out.put(i, fn.apply(i)));
            return out;
        }
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<T, Future<R>> futures = new LinkedHashMap<>();
            for (T item : items) {
                futures.put(item, ex.submit(() -> fn.apply(item)));
            }
            for (Map.Entry<T, Future<R>> e : futures.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException err) {
                    if (err.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(err.getCause());
                } catch (InterruptedException err) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", err);
                }
            }
        }
        return out;
    }

    private <T> T safe(Supplier<T> call, T fallback) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            cacheErrors.incrementAndGet();
            log.warn("comment cache read failed, reading the tables: {}", e.toString());
            return fallback;
        }
    }

    private void safeRun(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            cacheErrors.incrementAndGet();
            log.warn("comment cache write failed: {}", e.toString());
        }
    }
}
