package dev.plaza.comment.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.comment.v1.ActionEvent;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.ModerateEvent;
import dev.plaza.api.comment.v1.PostEvent;
import dev.plaza.api.comment.v1.RebuildEvent;
import dev.plaza.comment.biz.CommentCache;
import dev.plaza.comment.biz.CommentErrors;
import dev.plaza.comment.biz.CommentReadRepo;
import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Dispatch, drop/retry decisions and cache steps of the job, against plain fakes of the biz interfaces. */
class JobUsecaseTest {
    private static final SubjectKey KEY = new SubjectKey(1, 77);
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private final FakeStore store = new FakeStore();
    private final FakeRepo repo = new FakeRepo();
    private final RecordingCache cache = new RecordingCache();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JobUsecase job = new JobUsecase(store, repo, cache, new JobUsecase.Settings(50, 80, 2),
            Clock.fixed(T, ZoneOffset.UTC), meters);

    private static ReplyIndex idx(long rpid, long root, int floor, int like, int rcount, int state) {
        return new ReplyIndex(rpid, KEY, 5, root, root, root == 0 ? 0 : rpid, floor, rcount, rcount, like, 0, state,
                0, T);
    }

    private static Subject subject(int floor) {
        return new Subject(KEY, 9, floor, 1, floor, 0, 0, 0, T, T.plusMillis(floor));
    }

    private static CommentEvent post(long rpid, long root, int state) {
        return CommentEvent.newBuilder().setPost(PostEvent.newBuilder().setRpid(rpid).setType(1).setOid(77).setMid(5)
                .setRoot(root).setParent(root).setMessage("hi").addAtMids(8).setIp("1.2.3.4").setOwnerMid(9)
                .setState(state)).setEventTime(T.toEpochMilli()).build();
    }

    private double count(String kind, String result) {
        var c = meters.find("comment.job.events").tag("kind", kind).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aRootPostIsStoredThenAddedToTheCachedIndexes() {
        ReplyIndex r = idx(100, 0, 1, 0, 0, ReplyState.NORMAL);
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(r, content(100)), subject(1), true);
        job.apply(post(100, 0, ReplyState.NORMAL));

        CommentStore.NewReply n = store.posted.getFirst();
        assertThat(n.rpid()).isEqualTo(100);
        assertThat(n.key()).isEqualTo(KEY);
        assertThat(n.ctime()).isEqualTo(T);
        assertThat(n.atMids()).containsExactly(8L);
        assertThat(n.ip()).isEqualTo("1.2.3.4");
        assertThat(store.postedOwner).isEqualTo(9);
        assertThat(cache.calls).containsExactly("putReplies [100]", "upsertRoot 100", "putSubject 1");
        assertThat(count("post", "applied")).isEqualTo(1);
    }

    @Test
    void eachChangeOfASubjectsCountIsFedOnForTheVideosStat() {
        List<Subject> fed = new ArrayList<>();
        JobUsecase feeding = new JobUsecase(store, repo, cache, fed::add, new JobUsecase.Settings(50, 80, 2),
                Clock.fixed(T, ZoneOffset.UTC), meters);
        ReplyIndex r = idx(100, 0, 1, 0, 0, ReplyState.NORMAL);
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(r, content(100)), subject(1), true);
        feeding.apply(post(100, 0, ReplyState.NORMAL));
        assertThat(fed).extracting(Subject::allCount).containsExactly(1);

        // hidden by a moderator: the count read back from the tables goes on
        store.moderated = Optional.of(idx(100, 0, 1, 0, 0, ReplyState.HIDDEN));
        repo.subject = Optional.of(subject(0));
        feeding.apply(CommentEvent.newBuilder().setModerate(ModerateEvent.newBuilder().setRpid(100).setType(1)
                .setOid(77).setState(ReplyState.HIDDEN).setOperatorMid(1)).build());
        assertThat(fed).extracting(Subject::allCount).containsExactly(1, 0);
    }

    @Test
    void aReplyIsAppendedAndItsRootReScored() {
        ReplyIndex re = idx(101, 100, 2, 0, 0, ReplyState.NORMAL);
        repo.indexes.put(100L, idx(100, 0, 1, 0, 1, ReplyState.NORMAL));
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(re, content(101)), subject(2), true);
        job.apply(post(101, 100, ReplyState.NORMAL));
        assertThat(cache.calls).containsExactly("putReplies [101]", "appendReply 101", "upsertRoot 100",
                "replies [100]", "putSubject 2");
    }

    @Test
    void aHeldPostIsNotIndexedAndARedeliveryOnlyRefreshes() {
        ReplyIndex held = idx(102, 0, 3, 0, 0, ReplyState.PENDING);
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(held, content(102)), subject(3), false);
        job.apply(post(102, 0, ReplyState.PENDING));
        assertThat(cache.calls).containsExactly("putReplies [102]", "putSubject 3");
    }

    private static CommentEvent postTo(long oid, long rpid) {
        return CommentEvent.newBuilder().setPost(PostEvent.newBuilder().setRpid(rpid).setType(1).setOid(oid).setMid(5)
                .setMessage("hi " + rpid).setOwnerMid(9)).setEventTime(T.toEpochMilli()).build();
    }

    private static CommentEvent likeOn(long oid, long rpid) {
        return CommentEvent.newBuilder().setAction(ActionEvent.newBuilder().setType(1).setOid(oid).setRpid(rpid)
                .setMid(6).setKind(1).setAction(1)).build();
    }

    @Test
    void consecutivePostsOfASubjectShareOneStoreCallAndOrderHoldsPerSubject() {
        store.onPost = n -> {
            if (n.rpid() == 13) {
                throw CommentErrors.badThread("root gone");
            }
            return new CommentStore.PostOutcome(new Reply(new ReplyIndex(n.rpid(), n.key(), 5, 0, 0, 0, 1, 0, 0, 0,
                    0, 0, 0, T), content(n.rpid())), subject(1), true);
        };
        job.applyAll(List.of(postTo(77, 10), postTo(88, 20), postTo(77, 11), likeOn(77, 10), postTo(77, 12),
                postTo(88, 21), postTo(77, 13), postTo(77, 14)));
        // 77's first two posts go before its like, the rest after it; 88's posts wait for the end (order across
        // subjects is not promised)
        assertThat(store.log.subList(0, 2)).containsExactly("posts 77 [10, 11]", "action 77 10");
        assertThat(store.log.subList(2, 4)).containsExactlyInAnyOrder("posts 77 [12, 13, 14]", "posts 88 [20, 21]");
        assertThat(count("post", "applied")).isEqualTo(6);
        assertThat(count("post", "dropped")).as("the bad thread is refused alone").isEqualTo(1);
        assertThat(cache.calls).contains("putReplies [12, 14]");
    }

    @Test
    void aLonePostOfASubjectTakesTheSinglePath() {
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(new ReplyIndex(n.rpid(), n.key(), 5, 0, 0, 0, 1, 0,
                0, 0, 0, 0, 0, T), content(n.rpid())), subject(1), true);
        job.applyAll(List.of(postTo(77, 10), likeOn(77, 10)));
        assertThat(store.log).containsExactly("post 77 10", "action 77 10");
    }

    @Test
    void clientErrorsAreDroppedAndServerErrorsRetried() {
        store.onPost = n -> {
            throw CommentErrors.badThread("root gone");
        };
        job.apply(post(103, 99, 0)); // returns: dropped
        assertThat(count("post", "dropped")).isEqualTo(1);
        assertThat(cache.calls).isEmpty();

        store.onPost = n -> {
            throw PlazaError.internal("database comment-0 transaction failed", null);
        };
        assertThatThrownBy(() -> job.apply(post(104, 0, 0))).isInstanceOf(PlazaError.class);
        assertThat(count("post", "failed")).isEqualTo(1);

        store.onPost = n -> {
            throw PlazaError.overloaded("DB_POOL_EXHAUSTED", "database comment-0 is busy, retry later");
        };
        assertThatThrownBy(() -> job.apply(post(104, 0, 0))).isInstanceOf(PlazaError.class);
        assertThat(count("post", "failed")).isEqualTo(2);

        store.onPost = n -> {
            throw new IllegalStateException("pool closed");
        };
        assertThatThrownBy(() -> job.apply(post(105, 0, 0))).isInstanceOf(IllegalStateException.class);

        // malformed events can never apply
        job.apply(CommentEvent.newBuilder().setPost(PostEvent.newBuilder().setRpid(1).setType(0).setOid(77)).build());
        job.apply(CommentEvent.newBuilder().setEventTime(1).build());
        assertThat(count("post", "dropped")).isEqualTo(2);
        assertThat(count("event_not_set", "dropped")).isEqualTo(1);
    }

    @Test
    void aCacheFailureDoesNotFailTheEvent() {
        ReplyIndex r = idx(106, 0, 1, 0, 0, ReplyState.NORMAL);
        store.onPost = n -> new CommentStore.PostOutcome(new Reply(r, content(106)), subject(1), true);
        cache.failing = true;
        job.apply(post(106, 0, 0));
        assertThat(store.posted).hasSize(1);
        assertThat(meters.counter("comment.job.cache.failures").count()).isEqualTo(1);
        assertThat(count("post", "applied")).isEqualTo(1);
    }

    @Test
    void aLikeReScoresTheRootAndRefreshesItsCachedEntry() {
        ReplyIndex liked = idx(107, 0, 1, 4, 0, ReplyState.NORMAL);
        store.onAction = () -> Optional.of(liked);
        cache.entries.put(107L, new Reply(idx(107, 0, 1, 3, 0, 0), content(107)));
        job.apply(CommentEvent.newBuilder().setAction(ActionEvent.newBuilder().setRpid(107).setType(1).setOid(77)
                .setMid(3).setKind(1).setAction(1)).build());
        assertThat(store.actions).containsExactly("107 by 3 kind 1 do true");
        assertThat(cache.calls).containsExactly("upsertRoot 107", "replies [107]", "putReplies [107]");
        assertThat(cache.entries.get(107L).index().like()).isEqualTo(4);
        assertThat(cache.entries.get(107L).content().message()).isEqualTo("text 107");

        // nothing changes in the cache when the store found nothing to like
        cache.calls.clear();
        store.onAction = Optional::empty;
        job.apply(CommentEvent.newBuilder().setAction(ActionEvent.newBuilder().setRpid(108).setType(1).setOid(77)
                .setMid(3).setKind(1).setAction(0)).build());
        assertThat(cache.calls).isEmpty();
    }

    @Test
    void rebuildsReadAheadAndScoreLikeAppends() {
        List<ReplyIndex> roots = List.of(idx(1, 0, 5, 9, 0, 0), idx(2, 0, 4, 3, 0, 0), idx(3, 0, 3, 1, 0, 0));
        repo.roots = roots;
        repo.subject = Optional.of(subject(5));
        job.apply(CommentEvent.newBuilder().setRebuild(RebuildEvent.newBuilder().setType(1).setOid(77).setSort(1))
                .build());
        assertThat(repo.rootsAsked).containsExactly("LIKES 0 50");
        assertThat(cache.rebuilt).containsExactly(
                new CommentCache.Scored(1, IndexScores.root(Sort.LIKES, roots.get(0))),
                new CommentCache.Scored(2, IndexScores.root(Sort.LIKES, roots.get(1))),
                new CommentCache.Scored(3, IndexScores.root(Sort.LIKES, roots.get(2))));
        // the first two entries are warmed, and the subject
        assertThat(cache.calls).containsExactly("rebuildRoots LIKES 3", "putReplies [1, 2]", "putSubject 5");

        cache.calls.clear();
        repo.replies = List.of(idx(11, 1, 6, 0, 0, 0), idx(12, 1, 7, 0, 0, 0));
        job.apply(CommentEvent.newBuilder().setRebuild(RebuildEvent.newBuilder().setType(1).setOid(77).setRoot(1))
                .build());
        assertThat(repo.repliesAsked).containsExactly("1 0 80");
        assertThat(cache.rebuilt).containsExactly(new CommentCache.Scored(11, 6), new CommentCache.Scored(12, 7));
        assertThat(cache.calls).containsExactly("rebuildReplies 1 2", "putReplies [11, 12]", "putSubject 5");

        // an unknown sort is dropped
        job.apply(CommentEvent.newBuilder().setRebuild(RebuildEvent.newBuilder().setType(1).setOid(77).setSort(9))
                .build());
        assertThat(count("rebuild", "dropped")).isEqualTo(1);
    }

    @Test
    void aNewVideoOpensItsCommentArea() {
        job.apply(ArchiveEvent.newBuilder().setKind(ArchiveEvent.Kind.CREATED)
                .setArchive(ArchiveInfo.newBuilder().setAid(77).setOwnerMid(9)).build());
        assertThat(store.ensured).containsExactly("1:77 owner 9");
        assertThat(cache.calls).containsExactly("putSubject 0");
        job.apply(ArchiveEvent.newBuilder().setKind(ArchiveEvent.Kind.KIND_UNSPECIFIED).build());
        assertThat(store.ensured).hasSize(1);
    }

    private static ReplyContent content(long rpid) {
        return new ReplyContent(rpid, "text " + rpid, List.of(), "", "", "", T);
    }

    // ------------------------------------------------------------------------------------------------ fakes

    private static final class FakeStore implements CommentStore {
        Optional<ReplyIndex> moderated = Optional.empty();
        Function<NewReply, PostOutcome> onPost;
        java.util.function.Supplier<Optional<ReplyIndex>> onAction = Optional::empty;
        final List<NewReply> posted = new ArrayList<>();
        final List<String> actions = new ArrayList<>();
        final List<String> ensured = new ArrayList<>();
        /** Store calls in order. */
        final List<String> log = new ArrayList<>();
        long postedOwner;

        @Override
        public PostOutcome applyPost(NewReply reply, long ownerMid) {
            log.add("post " + reply.key().oid() + " " + reply.rpid());
            posted.add(reply);
            postedOwner = ownerMid;
            return onPost.apply(reply);
        }

        @Override
        public List<PostAttempt> applyPosts(SubjectKey key, List<NewReply> replies, long ownerMid) {
            log.add("posts " + key.oid() + " " + replies.stream().map(NewReply::rpid).toList());
            List<PostAttempt> out = new ArrayList<>();
            for (NewReply r : replies) {
                posted.add(r);
                postedOwner = ownerMid;
                try {
                    out.add(new PostAttempt(onPost.apply(r), null));
                } catch (PlazaError e) {
                    out.add(new PostAttempt(null, e)); // the fake refuses what onPost throws
                }
            }
            return out;
        }

        @Override
        public Optional<ReplyIndex> applyAction(SubjectKey key, long rpid, long mid, int kind, boolean doIt) {
            log.add("action " + key.oid() + " " + rpid);
            actions.add(rpid + " by " + mid + " kind " + kind + " do " + doIt);
            return onAction.get();
        }

        @Override
        public Optional<ReplyIndex> applyDelete(SubjectKey key, long rpid) {
            return Optional.empty();
        }

        @Override
        public Optional<Subject> applyPin(SubjectKey key, long rpid, boolean pinned) {
            return Optional.empty();
        }

        @Override
        public Subject applyClose(SubjectKey key, long ownerMid, boolean closed) {
            return subject(0);
        }

        @Override
        public Optional<ReplyIndex> applyModerate(SubjectKey key, long rpid, int state) {
            return moderated;
        }

        @Override
        public Subject ensureSubject(SubjectKey key, long ownerMid) {
            ensured.add(key.kafkaKey() + " owner " + ownerMid);
            return subject(0);
        }
    }

    private static final class FakeRepo implements CommentReadRepo {
        final Map<Long, ReplyIndex> indexes = new HashMap<>();
        List<ReplyIndex> roots = List.of();
        List<ReplyIndex> replies = List.of();
        Optional<Subject> subject = Optional.empty();
        final List<String> rootsAsked = new ArrayList<>();
        final List<String> repliesAsked = new ArrayList<>();

        @Override
        public Optional<Subject> subject(SubjectKey key) {
            return subject;
        }

        @Override
        public List<ReplyIndex> roots(SubjectKey key, Sort sort, int offset, int limit) {
            rootsAsked.add(sort + " " + offset + " " + limit);
            return roots;
        }

        @Override
        public List<ReplyIndex> replies(SubjectKey key, long root, int offset, int limit) {
            repliesAsked.add(root + " " + offset + " " + limit);
            return replies;
        }

        @Override
        public Map<Long, List<ReplyIndex>> firstReplies(SubjectKey key, Collection<Long> roots, int perRoot) {
            return Map.of();
        }

        @Override
        public Map<Long, ReplyIndex> indexes(SubjectKey key, Collection<Long> rpids) {
            Map<Long, ReplyIndex> out = new HashMap<>();
            rpids.forEach(r -> {
                if (indexes.containsKey(r)) {
                    out.put(r, indexes.get(r));
                }
            });
            return out;
        }

        @Override
        public Map<Long, ReplyContent> contents(SubjectKey key, Collection<Long> rpids) {
            Map<Long, ReplyContent> out = new HashMap<>();
            rpids.forEach(r -> out.put(r, content(r)));
            return out;
        }

        @Override
        public Map<Long, Integer> actions(SubjectKey key, long mid, Collection<Long> rpids) {
            return Map.of();
        }
    }

    /** Records the calls that change the cache (and MGETs) as short strings. */
    private static final class RecordingCache implements CommentCache {
        final List<String> calls = new ArrayList<>();
        final Map<Long, Reply> entries = new HashMap<>();
        List<Scored> rebuilt = List.of();
        boolean failing;

        private void call(String c) {
            if (failing) {
                throw new IllegalStateException("redis is away");
            }
            calls.add(c);
        }

        @Override
        public Optional<Subject> subject(SubjectKey key) {
            return Optional.empty();
        }

        @Override
        public void putSubject(Subject subject) {
            call("putSubject " + subject.floorCount());
        }

        @Override
        public void evictSubject(SubjectKey key) {
            call("evictSubject");
        }

        @Override
        public Optional<List<Long>> rootPage(SubjectKey key, Sort sort, int offset, int limit) {
            return Optional.empty();
        }

        @Override
        public Optional<List<Long>> replyPage(SubjectKey key, long root, int offset, int limit) {
            return Optional.empty();
        }

        @Override
        public void rebuildRoots(SubjectKey key, Sort sort, List<Scored> entries) {
            call("rebuildRoots " + sort + " " + entries.size());
            rebuilt = entries;
        }

        @Override
        public void rebuildReplies(SubjectKey key, long root, List<Scored> entries) {
            call("rebuildReplies " + root + " " + entries.size());
            rebuilt = entries;
        }

        @Override
        public void upsertRoot(ReplyIndex root) {
            call("upsertRoot " + root.rpid());
        }

        @Override
        public void appendReply(ReplyIndex reply) {
            call("appendReply " + reply.rpid());
        }

        @Override
        public void remove(ReplyIndex reply) {
            call("remove " + reply.rpid());
        }

        @Override
        public Map<Long, Reply> replies(Collection<Long> rpids) {
            call("replies " + rpids);
            Map<Long, Reply> out = new HashMap<>();
            rpids.forEach(r -> {
                if (entries.containsKey(r)) {
                    out.put(r, entries.get(r));
                }
            });
            return out;
        }

        @Override
        public void putReplies(Collection<Reply> replies) {
            call("putReplies " + replies.stream().map(Reply::rpid).toList());
            replies.forEach(r -> entries.put(r.rpid(), r));
        }

        @Override
        public void evictReply(long rpid) {
            call("evictReply " + rpid);
        }
    }
}
