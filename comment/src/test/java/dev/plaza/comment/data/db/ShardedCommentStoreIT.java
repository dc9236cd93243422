package dev.plaza.comment.data.db;

import static dev.plaza.comment.data.db.CommentDbFixture.reply;
import static dev.plaza.comment.data.db.CommentDbFixture.root;
import static dev.plaza.comment.data.db.CommentDbFixture.withState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.PlazaError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The write side on real MariaDB: floors, counts, idempotency and the thread rules. */
@RequiresEngines(EngineKind.MARIADB)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCommentStoreIT {
    private static final AtomicLong OIDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 100);
    private CommentDbFixture db;
    private CommentStore store;

    @BeforeAll
    void open(Endpoints endpoints) throws Exception {
        db = CommentDbFixture.fresh(endpoints, "comment_store_it");
        store = db.store;
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static SubjectKey newSubject() {
        return new SubjectKey(SubjectKey.TYPE_VIDEO, OIDS.incrementAndGet());
    }

    private Subject subject(SubjectKey key) {
        return db.repo.subject(key).orElseThrow();
    }

    private ReplyIndex index(SubjectKey key, long rpid) {
        return db.repo.indexes(key, List.of(rpid)).get(rpid);
    }

    @Test
    void concurrentPostsGetDistinctConsecutiveFloorsAndExactCounts() throws Exception {
        SubjectKey key = newSubject();
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            // the subject does not exist yet: the first posts race to create it
            List<Future<List<ReplyIndex>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long mid = 100 + t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<ReplyIndex> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        CommentStore.PostOutcome o = store.applyPost(root(key, mid, "post " + mid + "/" + i), 7);
                        assertThat(o.created()).isTrue();
                        mine.add(o.reply().index());
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<Integer> floors = new ArrayList<>();
            for (Future<List<ReplyIndex>> f : results) {
                f.get().forEach(r -> floors.add(r.floor()));
            }
            Collections.sort(floors);
            assertThat(floors).containsExactlyElementsOf(IntStream.rangeClosed(1, threads * each).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        Subject s = subject(key);
        assertThat(s.floorCount()).isEqualTo(200);
        assertThat(s.rootCount()).isEqualTo(200);
        assertThat(s.allCount()).isEqualTo(200);
        assertThat(s.ownerMid()).isEqualTo(7);
        assertThat(db.count(key.oid(), ShardRouter.INDEX, "oid = ? AND type = ?", key.oid(), key.type())).isEqualTo(200);
        assertThat(db.count(key.oid(), ShardRouter.SUBJECT, "oid = ?", key.oid())).isEqualTo(1);
    }

    @Test
    void concurrentRepliesToOneRootCountOnTheRoot() throws Exception {
        SubjectKey key = newSubject();
        ReplyIndex r = store.applyPost(root(key, 1, "root"), 7).reply().index();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        store.applyPost(reply(key, 2, r.rpid(), r.rpid(), "re"), 7);
                        store.applyPost(root(key, 3, "another root"), 7);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ReplyIndex after = index(key, r.rpid());
        assertThat(after.count()).isEqualTo(40);
        assertThat(after.rcount()).isEqualTo(40);
        Subject s = subject(key);
        assertThat(s.floorCount()).isEqualTo(81);
        assertThat(s.rootCount()).isEqualTo(41);
        assertThat(s.allCount()).isEqualTo(81);
    }

    @Test
    void aRedeliveredPostMakesNoSecondComment() {
        SubjectKey key = newSubject();
        CommentStore.NewReply first = root(key, 5, "hello");
        CommentStore.PostOutcome a = store.applyPost(first, 9);
        CommentStore.NewReply again = new CommentStore.NewReply(first.rpid(), key, 5, 0, 0, "changed on the way?",
                List.of(), "", "", "", ReplyState.NORMAL, first.ctime());
        CommentStore.PostOutcome b = store.applyPost(again, 9);
        assertThat(a.created()).isTrue();
        assertThat(b.created()).isFalse();
        assertThat(b.reply().index()).isEqualTo(a.reply().index());
        assertThat(b.reply().content().message()).isEqualTo("hello");
        assertThat(b.subject().floorCount()).isEqualTo(1);
        assertThat(subject(key).allCount()).isEqualTo(1);
        assertThat(db.count(key.oid(), ShardRouter.INDEX, "rpid = ?", first.rpid())).isEqualTo(1);
        assertThat(db.count(key.oid(), ShardRouter.CONTENT, "rpid = ?", first.rpid())).isEqualTo(1);

        // a reply redelivered does not bump its root twice
        CommentStore.NewReply re = reply(key, 6, first.rpid(), first.rpid(), "re");
        store.applyPost(re, 9);
        assertThat(store.applyPost(re, 9).created()).isFalse();
        assertThat(index(key, first.rpid()).rcount()).isEqualTo(1);
        assertThat(index(key, first.rpid()).count()).isEqualTo(1);
        assertThat(subject(key).allCount()).isEqualTo(2);
        assertThat(subject(key).floorCount()).isEqualTo(2);
    }

    @Test
    void aBatchOfPostsIsOneTransactionWithTheEffectOfEachInOrder() {
        SubjectKey key = newSubject(); // no subject row yet: the batch creates it
        CommentStore.NewReply r1 = root(key, 1, "first");
        CommentStore.NewReply r2 = root(key, 2, "second");
        CommentStore.NewReply re = reply(key, 3, r1.rpid(), r1.rpid(), "answers a root of the same batch");
        CommentStore.NewReply bad = reply(key, 4, 999_999, 999_999, "no such root");
        CommentStore.NewReply held = withState(root(key, 5, "held"), ReplyState.PENDING);
        List<CommentStore.PostAttempt> out = store.applyPosts(key, List.of(r1, r2, re, bad, held), 7);

        assertThat(out).hasSize(5);
        assertThat(out.get(3).refused().reason()).isEqualTo("BAD_THREAD");
        assertThat(out.get(3).outcome()).isNull();
        assertThat(List.of(out.get(0), out.get(1), out.get(2), out.get(4)))
                .allSatisfy(a -> assertThat(a.outcome().created()).isTrue());
        assertThat(out.stream().filter(a -> a.outcome() != null).map(a -> a.outcome().reply().index().floor()))
                .containsExactly(1, 2, 3, 4);
        assertThat(out.get(2).outcome().reply().index().dialog()).isEqualTo(re.rpid());
        Subject s = subject(key);
        assertThat(s.ownerMid()).isEqualTo(7);
        assertThat(s.floorCount()).isEqualTo(4);
        assertThat(s.rootCount()).isEqualTo(2);
        assertThat(s.allCount()).isEqualTo(3);
        assertThat(index(key, r1.rpid()).rcount()).isEqualTo(1);
        assertThat(db.count(key.oid(), ShardRouter.CONTENT, "rpid = ?", bad.rpid())).as("no orphan text").isZero();
        assertThat(db.repo.contents(key, List.of(held.rpid())).get(held.rpid()).message()).isEqualTo("held");

        // the same batch again (a redelivery) changes nothing
        List<CommentStore.PostAttempt> again = store.applyPosts(key, List.of(r1, r2, re, bad, held), 7);
        assertThat(again.stream().filter(a -> a.outcome() != null).map(a -> a.outcome().created()))
                .containsOnly(false).hasSize(4);
        assertThat(subject(key)).isEqualTo(s);
        assertThat(index(key, r1.rpid()).rcount()).isEqualTo(1);

        // a post of another subject is refused in its slot
        CommentStore.NewReply stray = root(newSubject(), 1, "elsewhere");
        assertThat(store.applyPosts(key, List.of(stray), 7).getFirst().refused()).isNotNull();
    }

    @Test
    void threadsGetRootParentAndDialogTheBilibiliWay() {
        SubjectKey key = newSubject();
        CommentStore.PostOutcome r = store.applyPost(root(key, 1, "root"), 7);
        ReplyIndex rootRow = r.reply().index();
        assertThat(rootRow.root()).isZero();
        assertThat(rootRow.parent()).isZero();
        assertThat(rootRow.dialog()).isZero();
        assertThat(rootRow.floor()).isEqualTo(1);
        assertThat(r.reply().content().ip()).isEqualTo("127.0.0.1");

        ReplyIndex a = store.applyPost(reply(key, 2, rootRow.rpid(), rootRow.rpid(), "a"), 7).reply().index();
        assertThat(a.parent()).isEqualTo(rootRow.rpid());
        assertThat(a.dialog()).isEqualTo(a.rpid());
        ReplyIndex b = store.applyPost(reply(key, 3, rootRow.rpid(), a.rpid(), "b answers a"), 7).reply().index();
        assertThat(b.parent()).isEqualTo(a.rpid());
        assertThat(b.dialog()).isEqualTo(a.rpid());
        ReplyIndex c = store.applyPost(reply(key, 2, rootRow.rpid(), b.rpid(), "c answers b"), 7).reply().index();
        assertThat(c.dialog()).isEqualTo(a.rpid());
        // parent 0 under a root means "answers the root"
        ReplyIndex d = store.applyPost(reply(key, 4, rootRow.rpid(), 0, "d"), 7).reply().index();
        assertThat(d.parent()).isEqualTo(rootRow.rpid());
        assertThat(d.dialog()).isEqualTo(d.rpid());
        assertThat(d.floor()).isEqualTo(5);
    }

    @Test
    void anInvalidThreadWritesNothing() {
        SubjectKey key = newSubject();
        SubjectKey other = newSubject();
        ReplyIndex r = store.applyPost(root(key, 1, "root"), 7).reply().index();
        ReplyIndex elsewhere = store.applyPost(root(other, 1, "root elsewhere"), 7).reply().index();
        ReplyIndex re = store.applyPost(reply(key, 1, r.rpid(), r.rpid(), "re"), 7).reply().index();

        List<CommentStore.NewReply> bad = List.of(
                reply(key, 2, 424242, 424242, "no such root"),
                reply(key, 2, elsewhere.rpid(), elsewhere.rpid(), "a root of another subject"),
                reply(key, 2, re.rpid(), re.rpid(), "a reply is not a root"),
                reply(key, 2, r.rpid(), 434343, "no such parent"));
        for (CommentStore.NewReply n : bad) {
            PlazaError e = catchThrowableOfType(PlazaError.class, () -> store.applyPost(n, 7));
            assertThat(e).as(n.message()).isNotNull();
            assertThat(e.reason()).isEqualTo("BAD_THREAD");
            assertThat(e.code()).isEqualTo(-400);
            assertThat(db.count(key.oid(), ShardRouter.INDEX, "rpid = ?", n.rpid())).isZero();
            assertThat(db.count(key.oid(), ShardRouter.CONTENT, "rpid = ?", n.rpid())).isZero();
        }
        // an rpid already used by another subject in the same table is refused, and the other's text stays
        SubjectKey sameTable = new SubjectKey(1, key.oid() + 8);
        assertThat(db.shards.router().indexTable(sameTable.oid())).isEqualTo(db.shards.router().indexTable(key.oid()));
        CommentStore.NewReply clash = new CommentStore.NewReply(r.rpid(), sameTable, 9, 0, 0, "same id", List.of(),
                "", "", "", ReplyState.NORMAL, java.time.Instant.now());
        assertThat(catchThrowableOfType(PlazaError.class, () -> store.applyPost(clash, 7)).reason())
                .isEqualTo("BAD_THREAD");
        assertThat(db.repo.contents(key, List.of(r.rpid())).get(r.rpid()).message()).isEqualTo("root");
        assertThat(db.repo.subject(sameTable).orElseThrow().floorCount()).isZero();

        // hidden and deleted roots take no replies
        store.applyModerate(key, r.rpid(), ReplyState.HIDDEN);
        assertThat(catchThrowableOfType(PlazaError.class,
                () -> store.applyPost(reply(key, 2, r.rpid(), r.rpid(), "to a hidden root"), 7))).isNotNull();
        Subject s = subject(key);
        assertThat(s.floorCount()).isEqualTo(2);
    }

    @Test
    void deletingARootHidesItsRepliesAndFixesCounts() {
        SubjectKey key = newSubject();
        ReplyIndex r1 = store.applyPost(root(key, 1, "r1"), 7).reply().index();
        ReplyIndex r2 = store.applyPost(root(key, 1, "r2"), 7).reply().index();
        List<ReplyIndex> under1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            under1.add(store.applyPost(reply(key, 2, r1.rpid(), r1.rpid(), "re1 " + i), 7).reply().index());
        }
        ReplyIndex under2 = store.applyPost(reply(key, 2, r2.rpid(), r2.rpid(), "re2"), 7).reply().index();
        assertThat(subject(key).allCount()).isEqualTo(6);
        assertThat(subject(key).rootCount()).isEqualTo(2);

        // a reply first: the root's rcount and the subject's all-count go down; count (all ever) stays
        ReplyIndex gone = store.applyDelete(key, under1.get(0).rpid()).orElseThrow();
        assertThat(gone.state()).isEqualTo(ReplyState.NORMAL); // the row as it was
        assertThat(index(key, r1.rpid()).rcount()).isEqualTo(2);
        assertThat(index(key, r1.rpid()).count()).isEqualTo(3);
        assertThat(subject(key).allCount()).isEqualTo(5);
        assertThat(store.applyDelete(key, under1.get(0).rpid())).isEmpty();
        assertThat(subject(key).allCount()).isEqualTo(5);

        // then the root: itself and its 2 visible replies leave the counts
        assertThat(store.applyDelete(key, r1.rpid())).isPresent();
        Subject s = subject(key);
        assertThat(s.rootCount()).isEqualTo(1);
        assertThat(s.allCount()).isEqualTo(2);
        assertThat(s.floorCount()).isEqualTo(6);
        assertThat(index(key, r1.rpid()).state()).isEqualTo(ReplyState.DELETED);
        assertThat(db.repo.replies(key, r1.rpid(), 0, 20)).isEmpty();
        assertThat(db.repo.roots(key, dev.plaza.comment.biz.Sort.TIME, 0, 20)).extracting(ReplyIndex::rpid)
                .containsExactly(r2.rpid());
        // soft delete: the rows stay
        assertThat(db.count(key.oid(), ShardRouter.INDEX, "oid = ?", key.oid())).isEqualTo(6);

        // twice is a no-op; deleting a reply of a deleted root changes the root, not the subject
        assertThat(store.applyDelete(key, r1.rpid())).isEmpty();
        store.applyDelete(key, under1.get(1).rpid());
        assertThat(subject(key).allCount()).isEqualTo(2);
        assertThat(index(key, r1.rpid()).rcount()).isEqualTo(1);
        assertThat(store.applyDelete(key, 999_999_999L)).isEmpty();
        assertThat(store.applyDelete(key, under2.rpid())).isPresent();
        assertThat(subject(key).allCount()).isEqualTo(1);
    }

    @Test
    void likesAndHatesCountOncePerUser() {
        SubjectKey key = newSubject();
        ReplyIndex r = store.applyPost(root(key, 1, "likeable"), 7).reply().index();
        assertThat(store.applyAction(key, r.rpid(), 10, 1, true).orElseThrow().like()).isEqualTo(1);
        assertThat(store.applyAction(key, r.rpid(), 10, 1, true).orElseThrow().like()).isEqualTo(1);
        assertThat(store.applyAction(key, r.rpid(), 11, 1, true).orElseThrow().like()).isEqualTo(2);

        // switching like -> hate moves both counters
        ReplyIndex switched = store.applyAction(key, r.rpid(), 10, 2, true).orElseThrow();
        assertThat(switched.like()).isEqualTo(1);
        assertThat(switched.hate()).isEqualTo(1);
        assertThat(db.repo.actions(key, 10, List.of(r.rpid()))).containsEntry(r.rpid(), 2);
        assertThat(db.repo.actions(key, 11, List.of(r.rpid()))).containsEntry(r.rpid(), 1);

        // undoing what one did not do changes nothing; undoing the hate clears it
        ReplyIndex same = store.applyAction(key, r.rpid(), 10, 1, false).orElseThrow();
        assertThat(same.like()).isEqualTo(1);
        assertThat(same.hate()).isEqualTo(1);
        ReplyIndex cleared = store.applyAction(key, r.rpid(), 10, 2, false).orElseThrow();
        assertThat(cleared.hate()).isZero();
        assertThat(store.applyAction(key, r.rpid(), 10, 2, false).orElseThrow().hate()).isZero();
        assertThat(db.repo.actions(key, 10, List.of(r.rpid()))).isEmpty();
        assertThat(store.applyAction(key, r.rpid(), 11, 1, false).orElseThrow().like()).isZero();
        assertThat(index(key, r.rpid()).like()).isZero();

        // one row per (rpid, mid)
        assertThat(db.count(key.oid(), ShardRouter.ACTION, "rpid = ?", r.rpid())).isEqualTo(2);
        // nothing to like when it is gone
        store.applyDelete(key, r.rpid());
        assertThat(store.applyAction(key, r.rpid(), 12, 1, true)).isEmpty();
        assertThat(catchThrowableOfType(PlazaError.class, () -> store.applyAction(key, r.rpid(), 12, 3, true))
                .code()).isEqualTo(-400);
    }

    @Test
    void concurrentLikesByManyUsersAllCount() throws Exception {
        SubjectKey key = newSubject();
        ReplyIndex r = store.applyPost(root(key, 1, "popular"), 7).reply().index();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int base = t * 100;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        store.applyAction(key, r.rpid(), base + i, 1, true);
                        store.applyAction(key, r.rpid(), base + i, 1, true); // again: counts once
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index(key, r.rpid()).like()).isEqualTo(120);
    }

    @Test
    void onePinnedRootPerSubject() {
        SubjectKey key = newSubject();
        ReplyIndex r1 = store.applyPost(root(key, 1, "r1"), 7).reply().index();
        ReplyIndex r2 = store.applyPost(root(key, 1, "r2"), 7).reply().index();
        ReplyIndex re = store.applyPost(reply(key, 2, r1.rpid(), r1.rpid(), "re"), 7).reply().index();

        Subject s = store.applyPin(key, r1.rpid(), true).orElseThrow();
        assertThat(s.topRpid()).isEqualTo(r1.rpid());
        assertThat(s.attrs() & ShardedCommentStore.SUBJECT_ATTR_HAS_TOP).isNotZero();
        assertThat(index(key, r1.rpid()).pinned()).isTrue();
        assertThat(store.applyPin(key, r1.rpid(), true).orElseThrow().topRpid()).isEqualTo(r1.rpid());

        // pinning another moves the pin
        assertThat(store.applyPin(key, r2.rpid(), true).orElseThrow().topRpid()).isEqualTo(r2.rpid());
        assertThat(index(key, r1.rpid()).pinned()).isFalse();
        assertThat(index(key, r2.rpid()).pinned()).isTrue();
        assertThat(subject(key).topRpid()).isEqualTo(r2.rpid());

        // replies, unknown and deleted comments cannot be pinned
        assertThat(store.applyPin(key, re.rpid(), true)).isEmpty();
        assertThat(store.applyPin(key, 123_456_789L, true)).isEmpty();
        assertThat(subject(key).topRpid()).isEqualTo(r2.rpid());

        // unpinning something else leaves the pin; deleting the pinned root unpins it
        assertThat(store.applyPin(key, r1.rpid(), false).orElseThrow().topRpid()).isEqualTo(r2.rpid());
        store.applyDelete(key, r2.rpid());
        Subject after = subject(key);
        assertThat(after.topRpid()).isZero();
        assertThat(after.attrs() & ShardedCommentStore.SUBJECT_ATTR_HAS_TOP).isZero();
        assertThat(index(key, r2.rpid()).pinned()).isFalse();
        assertThat(store.applyPin(key, r2.rpid(), true)).isEmpty();

        store.applyPin(key, r1.rpid(), true);
        Subject unpinned = store.applyPin(key, r1.rpid(), false).orElseThrow();
        assertThat(unpinned.topRpid()).isZero();
        assertThat(index(key, r1.rpid()).pinned()).isFalse();
        assertThat(store.applyPin(newSubject(), r1.rpid(), true)).isEmpty();
    }

    @Test
    void closingSetsTheStateAndRefusesNothingHere() {
        SubjectKey key = newSubject();
        Subject closed = store.applyClose(key, 33, true);
        assertThat(closed.closed()).isTrue();
        assertThat(closed.ownerMid()).isEqualTo(33);
        assertThat(store.applyClose(key, 0, true).closed()).isTrue();
        // the service refuses posts to closed subjects; the store applies what was accepted before the close
        assertThat(store.applyPost(root(key, 1, "accepted before the close"), 0).created()).isTrue();
        Subject reopened = store.applyClose(key, 0, false);
        assertThat(reopened.closed()).isFalse();
        assertThat(reopened.ownerMid()).isEqualTo(33);
        assertThat(reopened.allCount()).isEqualTo(1);
    }

    @Test
    void ensureSubjectCreatesOnceAndFillsAMissingOwner() {
        SubjectKey key = newSubject();
        store.applyPost(root(key, 1, "first comment before the video event"), 0);
        assertThat(subject(key).ownerMid()).isZero();
        Subject s = store.ensureSubject(key, 44);
        assertThat(s.ownerMid()).isEqualTo(44);
        assertThat(s.floorCount()).isEqualTo(1);
        assertThat(store.ensureSubject(key, 55).ownerMid()).isEqualTo(44);
        SubjectKey fresh = newSubject();
        assertThat(store.ensureSubject(fresh, 66)).satisfies(x -> {
            assertThat(x.ownerMid()).isEqualTo(66);
            assertThat(x.floorCount()).isZero();
            assertThat(x.closed()).isFalse();
        });
    }

    @Test
    void moderationMovesCommentsInAndOutOfTheCounts() {
        SubjectKey key = newSubject();
        ReplyIndex r = store.applyPost(root(key, 1, "root"), 7).reply().index();
        ReplyIndex a = store.applyPost(reply(key, 2, r.rpid(), r.rpid(), "a"), 7).reply().index();
        store.applyPost(reply(key, 2, r.rpid(), r.rpid(), "b"), 7);
        store.applyPin(key, r.rpid(), true);

        // a held root gets its floor but is not counted
        CommentStore.PostOutcome held = store.applyPost(withState(root(key, 3, "held"), ReplyState.PENDING), 7);
        assertThat(held.reply().index().floor()).isEqualTo(4);
        assertThat(held.subject().rootCount()).isEqualTo(1);
        assertThat(held.subject().allCount()).isEqualTo(3);
        // a held reply counts in the root's count, not in rcount
        ReplyIndex heldReply = store.applyPost(withState(reply(key, 3, r.rpid(), r.rpid(), "held re"),
                ReplyState.PENDING), 7).reply().index();
        assertThat(index(key, r.rpid()).count()).isEqualTo(3);
        assertThat(index(key, r.rpid()).rcount()).isEqualTo(2);
        assertThat(subject(key).allCount()).isEqualTo(3);

        // approving counts them
        assertThat(store.applyModerate(key, held.reply().rpid(), ReplyState.NORMAL).orElseThrow().state())
                .isEqualTo(ReplyState.NORMAL);
        store.applyModerate(key, heldReply.rpid(), ReplyState.NORMAL);
        assertThat(index(key, r.rpid()).rcount()).isEqualTo(3);
        assertThat(subject(key).rootCount()).isEqualTo(2);
        assertThat(subject(key).allCount()).isEqualTo(5);

        // hiding the root takes its replies out with it and unpins it; restoring puts them back (not the pin)
        store.applyModerate(key, r.rpid(), ReplyState.HIDDEN);
        assertThat(store.applyModerate(key, r.rpid(), ReplyState.HIDDEN).orElseThrow().state())
                .isEqualTo(ReplyState.HIDDEN);
        Subject hidden = subject(key);
        assertThat(hidden.rootCount()).isEqualTo(1);
        assertThat(hidden.allCount()).isEqualTo(1);
        assertThat(hidden.topRpid()).isZero();
        // a reply hidden meanwhile leaves rcount, not the subject (its root is not shown)
        store.applyModerate(key, a.rpid(), ReplyState.HIDDEN);
        assertThat(index(key, r.rpid()).rcount()).isEqualTo(2);
        assertThat(subject(key).allCount()).isEqualTo(1);
        store.applyModerate(key, r.rpid(), ReplyState.NORMAL);
        Subject restored = subject(key);
        assertThat(restored.rootCount()).isEqualTo(2);
        assertThat(restored.allCount()).isEqualTo(4);
        assertThat(index(key, r.rpid()).pinned()).isFalse();

        // hidden <-> pending moves nothing; deleted stays deleted
        store.applyModerate(key, a.rpid(), ReplyState.PENDING);
        assertThat(subject(key).allCount()).isEqualTo(4);
        store.applyDelete(key, a.rpid());
        assertThat(subject(key).allCount()).isEqualTo(4);
        assertThat(store.applyModerate(key, a.rpid(), ReplyState.NORMAL)).isEmpty();
        assertThat(catchThrowableOfType(PlazaError.class,
                () -> store.applyModerate(key, r.rpid(), ReplyState.DELETED)).code()).isEqualTo(-400);
    }
}
