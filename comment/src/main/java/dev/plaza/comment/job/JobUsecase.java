package dev.plaza.comment.job;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.comment.v1.ActionEvent;
import dev.plaza.api.comment.v1.CloseEvent;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.DeleteEvent;
import dev.plaza.api.comment.v1.ModerateEvent;
import dev.plaza.api.comment.v1.PinEvent;
import dev.plaza.api.comment.v1.PostEvent;
import dev.plaza.api.comment.v1.RebuildEvent;
import dev.plaza.comment.biz.CommentCache;
import dev.plaza.comment.biz.CommentReadRepo;
import dev.plaza.comment.biz.CommentRules;
import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectCountFeed;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's use case: applies one {@link CommentEvent} to the tables ({@link CommentStore}, one transaction,
 * idempotent) and then brings the cache in line ({@link CommentCache}: appends to indexes that exist, re-scores,
 * removals, fresh subject entries, whole-index rebuilds with read-ahead).
 *
 * <p>Outcomes, as the consumer sees them: returning normally means the event is done (applied, or dropped because it
 * can never apply: malformed, or refused by the store with a permanent error such as a bad thread; logged at WARN and
 * counted). Throwing means "not done" (the database is unreachable...): the consumer offers the same event again,
 * which is safe because every store method is idempotent. A cache failure after the store committed is logged and
 * counted but does not fail the event: the tables are the truth, cache entries expire, and holding the partition
 * back until Redis returns would stop the comments themselves from being written.
 */
public final class JobUsecase {
    private static final Logger log = LoggerFactory.getLogger(JobUsecase.class);

    /**
     * @param rootReadAhead  root rpids read per (subject, sort) rebuild (the cached index holds at most this many)
     * @param replyReadAhead reply rpids read per root rebuild
     * @param warmEntries    comment entries put into the cache with a rebuild (the first ones of the index)
     */
    public record Settings(int rootReadAhead, int replyReadAhead, int warmEntries) {
        public Settings {
            if (rootReadAhead < 1 || replyReadAhead < 1 || warmEntries < 0) {
                throw new IllegalArgumentException("read-ahead must be positive and warmEntries not negative");
            }
        }

        /**
         * {@link CommentRules#CACHED_ROOTS_MAX} roots, {@link CommentRules#CACHED_REPLIES_MAX} replies (the prefix
         * readers trust), 60 entries warmed (three pages of 20).
         */
        public static Settings defaults() {
            return new Settings(CommentRules.CACHED_ROOTS_MAX, CommentRules.CACHED_REPLIES_MAX, 60);
        }
    }

    private final CommentStore store;
    private final CommentReadRepo repo;
    private final CommentCache cache;
    private final SubjectCountFeed counts;
    private final Settings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Counter cacheFailures;

    public JobUsecase(CommentStore store, CommentReadRepo repo, CommentCache cache, Settings settings, Clock clock,
                      MeterRegistry meters) {
        this(store, repo, cache, SubjectCountFeed.NONE, settings, clock, meters);
    }

    /** @param counts told each subject's count after a change of it (the archive's stat) */
    public JobUsecase(CommentStore store, CommentReadRepo repo, CommentCache cache, SubjectCountFeed counts,
                      Settings settings, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.repo = repo;
        this.cache = cache;
        this.counts = counts;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters == null ? new SimpleMeterRegistry() : meters;
        this.cacheFailures = Counter.builder("comment.job.cache.failures")
                .description("cache updates that failed after the tables were written").register(this.meters);
    }

    public JobUsecase(CommentStore store, CommentReadRepo repo, CommentCache cache) {
        this(store, repo, cache, Settings.defaults(), Clock.systemUTC(), null);
    }

    /**
     * Applies one event; see the class comment for what returning and throwing mean. Counted in
     * {@code comment.job.events{kind, result}}, result one of {@code applied}, {@code duplicate} (a post applied
     * before: a redelivery), {@code dropped}, {@code failed}.
     */
    public void apply(CommentEvent e) {
        String kind = e.getEventCase().name().toLowerCase(java.util.Locale.ROOT);
        String result = "applied";
        try {
            switch (e.getEventCase()) {
                case POST -> result = post(e.getPost(), e.getEventTime()) ? "applied" : "duplicate";
                case ACTION -> action(e.getAction());
                case DELETE -> delete(e.getDelete());
                case PIN -> pin(e.getPin());
                case CLOSE -> close(e.getClose());
                case REBUILD -> rebuild(e.getRebuild());
                case MODERATE -> moderate(e.getModerate());
                case EVENT_NOT_SET -> {
                    drop(kind, "an event with no body", null);
                    return;
                }
            }
        } catch (PlazaError err) {
            if (!permanent(err)) {
                count(kind, "failed");
                throw err;
            }
            drop(kind, err.reason() + ": " + err.getMessage(), e);
            return;
        } catch (IllegalArgumentException err) {
            drop(kind, err.getMessage(), e);
            return;
        } catch (RuntimeException err) {
            count(kind, "failed");
            throw err;
        }
        count(kind, result);
    }

    /**
     * Applies events in order, with the effect of {@link #apply(CommentEvent)} on each, but consecutive posts to one
     * subject are written in one transaction ({@link CommentStore#applyPosts}) and their cache updates are merged.
     * Order holds per subject (what the job promises: Kafka keys by subject); a subject's posts are held back only
     * until another kind of event of the same subject arrives or the list ends. Throwing means none or some of the
     * events were applied; offering the same list again is safe (every step is idempotent).
     */
    public void applyAll(List<CommentEvent> events) {
        Map<SubjectKey, List<PostEvent>> pending = new LinkedHashMap<>();
        Map<SubjectKey, List<Long>> times = new HashMap<>();
        for (CommentEvent e : events) {
            if (e.getEventCase() == CommentEvent.EventCase.POST) {
                PostEvent p = e.getPost();
                SubjectKey key = new SubjectKey(p.getType(), p.getOid());
                pending.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                times.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getEventTime());
                continue;
            }
            SubjectKey key = subjectOf(e);
            if (key == null) {
                pending.forEach((k, posts) -> posts(k, posts, times.get(k)));
                pending.clear();
            } else if (pending.containsKey(key)) {
                posts(key, pending.remove(key), times.remove(key));
            }
            apply(e);
        }
        pending.forEach((k, posts) -> posts(k, posts, times.get(k)));
    }

    /** The subject an event is about, or null when it has none (malformed). */
    private static SubjectKey subjectOf(CommentEvent e) {
        return switch (e.getEventCase()) {
            case POST -> new SubjectKey(e.getPost().getType(), e.getPost().getOid());
            case ACTION -> new SubjectKey(e.getAction().getType(), e.getAction().getOid());
            case DELETE -> new SubjectKey(e.getDelete().getType(), e.getDelete().getOid());
            case PIN -> new SubjectKey(e.getPin().getType(), e.getPin().getOid());
            case CLOSE -> new SubjectKey(e.getClose().getType(), e.getClose().getOid());
            case REBUILD -> new SubjectKey(e.getRebuild().getType(), e.getRebuild().getOid());
            case MODERATE -> new SubjectKey(e.getModerate().getType(), e.getModerate().getOid());
            case EVENT_NOT_SET -> null;
        };
    }

    /** A subject's consecutive posts: one store call, then the cache in as few steps as the posts allow. */
    private void posts(SubjectKey key, List<PostEvent> posts, List<Long> eventTimes) {
        if (posts.size() == 1) {
            apply(CommentEvent.newBuilder().setPost(posts.getFirst()).setEventTime(eventTimes.getFirst()).build());
            return;
        }
        List<CommentStore.NewReply> replies = new ArrayList<>(posts.size());
        long owner = 0;
        for (int i = 0; i < posts.size(); i++) {
            PostEvent p = posts.get(i);
            long t = eventTimes.get(i);
            replies.add(new CommentStore.NewReply(p.getRpid(), key, p.getMid(), p.getRoot(), p.getParent(),
                    p.getMessage(), p.getAtMidsList(), p.getIp(), p.getPlatform(), p.getDevice(), p.getState(),
                    t > 0 ? Instant.ofEpochMilli(t) : clock.instant()));
            owner = owner == 0 ? p.getOwnerMid() : owner;
        }
        List<CommentStore.PostAttempt> attempts;
        try {
            attempts = store.applyPosts(key, replies, owner);
        } catch (RuntimeException err) {
            count("post", "failed", posts.size());
            throw err;
        }
        List<Reply> stored = new ArrayList<>();
        Subject subject = null;
        for (int i = 0; i < attempts.size(); i++) {
            CommentStore.PostAttempt a = attempts.get(i);
            if (a.refused() != null) {
                drop("post", a.refused().reason() + ": " + a.refused().getMessage(),
                        CommentEvent.newBuilder().setPost(posts.get(i)).build());
                continue;
            }
            stored.add(a.outcome().reply());
            subject = a.outcome().subject();
            count("post", a.outcome().created() ? "applied" : "duplicate");
        }
        if (stored.isEmpty()) {
            return;
        }
        Subject after = subject;
        cacheStep(key, () -> {
            cache.putReplies(stored);
            Set<Long> roots = new LinkedHashSet<>();
            for (Reply r : stored) {
                ReplyIndex idx = r.index();
                if (!ReplyState.visible(idx.state())) {
                    continue;
                }
                if (idx.isRoot()) {
                    cache.upsertRoot(idx);
                } else {
                    cache.appendReply(idx);
                    roots.add(idx.root());
                }
            }
            roots.forEach(root -> refreshRoot(key, root));
            cache.putSubject(after);
        });
        counts.counted(after);
    }

    /** A video was created: its comment area exists from now on, owned by the uploader. */
    public void apply(ArchiveEvent e) {
        if (e.getKind() != ArchiveEvent.Kind.CREATED || e.getArchive().getAid() <= 0) {
            count("archive", "ignored");
            return;
        }
        SubjectKey key = new SubjectKey(SubjectKey.TYPE_VIDEO, e.getArchive().getAid());
        Subject s = store.ensureSubject(key, e.getArchive().getOwnerMid());
        cacheStep(key, () -> cache.putSubject(s));
        count("archive", "applied");
    }

    // ---------------------------------------------------------------------------------------------------- kinds

    /** @return false when the post was applied before (a redelivery) */
    private boolean post(PostEvent p, long eventTime) {
        SubjectKey key = new SubjectKey(p.getType(), p.getOid());
        Instant ctime = eventTime > 0 ? Instant.ofEpochMilli(eventTime) : clock.instant();
        CommentStore.PostOutcome out = store.applyPost(new CommentStore.NewReply(p.getRpid(), key, p.getMid(),
                p.getRoot(), p.getParent(), p.getMessage(), p.getAtMidsList(), p.getIp(), p.getPlatform(),
                p.getDevice(), p.getState(), ctime), p.getOwnerMid());
        ReplyIndex idx = out.reply().index();
        if (!out.created()) {
            log.debug("post {} on {} was applied before (a redelivery); refreshing the cache only", idx.rpid(),
                    key.kafkaKey());
        }
        cacheStep(key, () -> {
            cache.putReplies(List.of(out.reply()));
            if (ReplyState.visible(idx.state())) {
                if (idx.isRoot()) {
                    cache.upsertRoot(idx);
                } else {
                    cache.appendReply(idx);
                    refreshRoot(key, idx.root());
                }
            }
            cache.putSubject(out.subject());
        });
        counts.counted(out.subject());
        return out.created();
    }

    private void action(ActionEvent a) {
        SubjectKey key = new SubjectKey(a.getType(), a.getOid());
        Optional<ReplyIndex> after = store.applyAction(key, a.getRpid(), a.getMid(), a.getKind(), a.getAction() == 1);
        after.ifPresent(idx -> cacheStep(key, () -> {
            if (idx.isRoot()) {
                cache.upsertRoot(idx); // likes move it in the likes and hot orders
            }
            refreshEntry(idx);
        }));
    }

    private void delete(DeleteEvent d) {
        SubjectKey key = new SubjectKey(d.getType(), d.getOid());
        Optional<ReplyIndex> before = store.applyDelete(key, d.getRpid());
        if (before.isEmpty()) {
            return; // no such comment, or deleted before (a redelivery)
        }
        ReplyIndex idx = before.get();
        log.info("comment {} on {} deleted by {} (by={})", idx.rpid(), key.kafkaKey(), d.getOperatorMid(), d.getBy());
        cacheStep(key, () -> {
            cache.remove(idx);
            cache.evictReply(idx.rpid());
            if (!idx.isRoot()) {
                refreshRoot(key, idx.root());
            }
            refreshSubject(key);
        });
    }

    private void pin(PinEvent p) {
        SubjectKey key = new SubjectKey(p.getType(), p.getOid());
        long previousTop = repo.subject(key).map(Subject::topRpid).orElse(0L);
        Optional<Subject> after = store.applyPin(key, p.getRpid(), p.getPinned());
        if (after.isEmpty()) {
            log.warn("pin of {} on {} not applied: not a visible root of the subject", p.getRpid(), key.kafkaKey());
            return;
        }
        cacheStep(key, () -> {
            // the pinned attribute is part of the cached comment entries
            cache.evictReply(p.getRpid());
            if (previousTop != 0 && previousTop != p.getRpid()) {
                cache.evictReply(previousTop);
            }
            cache.putSubject(after.get());
        });
    }

    private void close(CloseEvent c) {
        SubjectKey key = new SubjectKey(c.getType(), c.getOid());
        Subject after = store.applyClose(key, c.getOwnerMid(), c.getClosed());
        cacheStep(key, () -> cache.putSubject(after));
    }

    private void moderate(ModerateEvent m) {
        SubjectKey key = new SubjectKey(m.getType(), m.getOid());
        Optional<ReplyIndex> after = store.applyModerate(key, m.getRpid(), m.getState());
        if (after.isEmpty()) {
            return;
        }
        ReplyIndex idx = after.get();
        log.info("comment {} on {} moderated to state {} by {}", idx.rpid(), key.kafkaKey(), idx.state(),
                m.getOperatorMid());
        cacheStep(key, () -> {
            if (ReplyState.visible(idx.state())) {
                if (idx.isRoot()) {
                    cache.upsertRoot(idx);
                } else {
                    cache.appendReply(idx);
                }
            } else {
                cache.remove(idx);
            }
            cache.evictReply(idx.rpid());
            if (!idx.isRoot()) {
                refreshRoot(key, idx.root());
            }
            refreshSubject(key);
        });
    }

    /**
     * Rebuilds one cached index from the tables: the first {@code rootReadAhead} roots of (subject, sort), or the
     * first {@code replyReadAhead} replies of a root, scored with {@link IndexScores} like every append; warms the
     * first comment entries and the subject entry.
     */
    private void rebuild(RebuildEvent r) {
        SubjectKey key = new SubjectKey(r.getType(), r.getOid());
        List<ReplyIndex> rows;
        List<CommentCache.Scored> scored = new ArrayList<>();
        if (r.getRoot() != 0) {
            rows = repo.replies(key, r.getRoot(), 0, settings.replyReadAhead());
            rows.forEach(x -> scored.add(new CommentCache.Scored(x.rpid(), IndexScores.reply(x))));
        } else {
            Sort sort = Sort.of(r.getSort());
            rows = repo.roots(key, sort, 0, settings.rootReadAhead());
            rows.forEach(x -> scored.add(new CommentCache.Scored(x.rpid(), IndexScores.root(sort, x))));
        }
        List<ReplyIndex> warm = rows.subList(0, Math.min(rows.size(), settings.warmEntries()));
        Map<Long, ReplyContent> contents = warm.isEmpty() ? Map.of()
                : repo.contents(key, warm.stream().map(ReplyIndex::rpid).toList());
        Optional<Subject> subject = repo.subject(key);
        cacheStep(key, () -> {
            if (r.getRoot() != 0) {
                cache.rebuildReplies(key, r.getRoot(), scored);
            } else {
                cache.rebuildRoots(key, Sort.of(r.getSort()), scored);
            }
            List<Reply> entries = new ArrayList<>();
            for (ReplyIndex x : warm) {
                ReplyContent c = contents.get(x.rpid());
                if (c != null) {
                    entries.add(new Reply(x, c));
                }
            }
            cache.putReplies(entries);
            subject.ifPresent(cache::putSubject);
        });
    }

    /**
     * Errors that say the event itself can never apply (bad thread, bad parameter...). Everything else, including
     * overload (-503) and throttling, is the moment's fault: the event is retried.
     */
    static boolean permanent(PlazaError e) {
        return switch (e.grpcStatus()) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------------------------------------------- cache

    /** A root whose counters changed (a reply came or went): re-score it and refresh its cached entry. */
    private void refreshRoot(SubjectKey key, long root) {
        ReplyIndex r = repo.indexes(key, List.of(root)).get(root);
        if (r == null) {
            return;
        }
        if (ReplyState.visible(r.state())) {
            cache.upsertRoot(r);
        }
        refreshEntry(r);
    }

    /** Puts the new counters into the cached entry of a comment, if it is cached (the text does not change). */
    private void refreshEntry(ReplyIndex idx) {
        Reply cached = cache.replies(List.of(idx.rpid())).get(idx.rpid());
        if (cached != null) {
            cache.putReplies(List.of(new Reply(idx, cached.content())));
        }
    }

    /** The subject from the tables into the cache, and its count to whoever shows it (after a delete or moderation). */
    private void refreshSubject(SubjectKey key) {
        Optional<Subject> s = repo.subject(key);
        if (s.isPresent()) {
            cache.putSubject(s.get());
            counts.counted(s.get());
        } else {
            cache.evictSubject(key);
        }
    }

    private void cacheStep(SubjectKey key, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            cacheFailures.increment();
            log.warn("cache update for {} failed after the tables were written (entries stay stale until they "
                    + "expire): {}", key.kafkaKey(), e.toString());
        }
    }

    private void drop(String kind, String why, CommentEvent e) {
        count(kind, "dropped");
        log.warn("dropping {} event: {}{}", kind, why, e == null ? "" : " (" + shortly(e) + ")");
    }

    private static String shortly(CommentEvent e) {
        String s = e.toString().replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private void count(String kind, String result) {
        count(kind, result, 1);
    }

    private void count(String kind, String result, int n) {
        Counter.builder("comment.job.events").description("comment events handled by the job")
                .tag("kind", kind).tag("result", result).register(meters).increment(n);
    }
}
