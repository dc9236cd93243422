package dev.plaza.comment.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.kit.errors.PlazaError;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommentReadUsecaseTest {
    private static final SubjectKey VIDEO = new SubjectKey(1, 42);
    private static final long OWNER = 7;

    private Fakes.Repo repo;
    private Fakes.Cache cache;
    private Fakes.Events events;
    private Fakes.Subjects subjects;
    private CommentReadUsecase reads;

    @BeforeEach
    void setUp() {
        repo = new Fakes.Repo();
        cache = new Fakes.Cache();
        events = new Fakes.Events();
        subjects = new Fakes.Subjects();
        subjects.owners.put(VIDEO, OWNER);
        subjects.owners.put(new SubjectKey(1, 43), OWNER);
        reads = new CommentReadUsecase(cache, repo, events, subjects, Fakes.heat(),
                CommentReadUsecase.Settings.defaults(), Clock.systemUTC());
    }

    private List<Long> rpids(List<ReplyNode> nodes) {
        return nodes.stream().map(ReplyNode::rpid).toList();
    }

    @Test
    void existingVideoWithoutCommentsIsAnEmptyPageAndUnknownVideoIsNotFound() {
        RootPage page = reads.listRoots(new SubjectKey(1, 43), Sort.TIME, 1, 20, 0);
        assertThat(page.replies()).isEmpty();
        assertThat(page.subject().ownerMid()).isEqualTo(OWNER);
        assertThat(page.subject().rootCount()).isZero();
        assertThat(page.hasMore()).isFalse();
        assertThat(cache.rootPageCalls.get()).isZero();
        assertThat(events.published).isEmpty();
        assertThat(reads.count(new SubjectKey(1, 43))).isZero();

        assertThatThrownBy(() -> reads.listRoots(new SubjectKey(1, 999), Sort.TIME, 1, 20, 0))
                .isInstanceOfSatisfying(PlazaError.class, e -> {
                    assertThat(e.code()).isEqualTo(-404);
                    assertThat(e.reason()).isEqualTo("SUBJECT_NOT_FOUND");
                });
        assertThatThrownBy(() -> reads.count(new SubjectKey(2, 42)))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-404));
    }

    @Test
    void coldIndexReadsTheTablesAndAsksForOneRebuild() {
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            roots.add(repo.add(VIDEO, 100 + i, 0, 0, "root " + i).rpid());
        }
        RootPage p1 = reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
        assertThat(rpids(p1.replies())).containsExactlyElementsOf(roots.reversed().subList(0, 20));
        assertThat(p1.hasMore()).isTrue();
        RootPage p2 = reads.listRoots(VIDEO, Sort.TIME, 2, 20, 0);
        assertThat(rpids(p2.replies())).containsExactlyElementsOf(roots.reversed().subList(20, 25));
        assertThat(p2.hasMore()).isFalse();
        assertThat(p1.subject().rootCount()).isEqualTo(25);

        await().atMost(Duration.ofSeconds(5)).until(() -> events.published.size() == 1);
        CommentEvent e = events.published.getFirst();
        assertThat(e.hasRebuild()).isTrue();
        assertThat(e.getRebuild().getOid()).isEqualTo(42);
        assertThat(e.getRebuild().getType()).isEqualTo(1);
        assertThat(e.getRebuild().getSort()).isEqualTo(Sort.TIME.code());
        assertThat(e.getRebuild().getRoot()).isZero();
        assertThat(repo.rootsCalls.get()).isEqualTo(2);
        // the entries were put back: the next read of page 1 takes them from the cache
        assertThat(cache.entries).hasSize(25);

        // another sort is another index
        reads.listRoots(VIDEO, Sort.LIKES, 1, 20, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.published.size() == 2);
        assertThat(events.published.get(1).getRebuild().getSort()).isEqualTo(Sort.LIKES.code());
    }

    @Test
    void aHundredConcurrentReadersOfAColdSubjectCauseOneRebuildAndShareTheQuery() throws Exception {
        for (int i = 0; i < 30; i++) {
            repo.add(VIDEO, 100 + i, 0, 0, "root " + i);
        }
        repo.delayMillis = 50; // readers pile up behind the first query
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RootPage>> pages = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                pages.add(pool.submit(() -> {
                    go.await();
                    return reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
                }));
            }
            go.countDown();
            for (Future<RootPage> f : pages) {
                assertThat(f.get().replies()).hasSize(20);
            }
        }
        Thread.sleep(300);
        assertThat(events.of(CommentEvent.EventCase.REBUILD)).hasSize(1);
        assertThat(events.published).hasSize(1);
        assertThat(repo.rootsCalls.get()).isLessThan(10);
    }

    @Test
    void warmIndexIsServedFromTheCacheWithFirstRepliesAndThePinnedRootSeparately() {
        Reply a = repo.add(VIDEO, 101, 0, 0, "a");
        Reply b = repo.add(VIDEO, 102, 0, 0, "b");
        Reply c = repo.add(VIDEO, 103, 0, 0, "c");
        List<Long> bReplies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bReplies.add(repo.add(VIDEO, 200 + i, b.rpid(), b.rpid(), "re " + i).rpid());
        }
        Reply deep = repo.add(VIDEO, 300, b.rpid(), bReplies.get(1), "deeper");
        repo.pin(VIDEO, a.rpid());
        cache.warm(repo, VIDEO);

        RootPage page = reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
        assertThat(rpids(page.replies())).containsExactly(c.rpid(), b.rpid());
        assertThat(page.top()).map(ReplyNode::rpid).contains(a.rpid());
        ReplyNode bNode = page.replies().get(1);
        assertThat(bNode.index().rcount()).isEqualTo(6);
        assertThat(rpids(bNode.replies())).containsExactlyElementsOf(bReplies.subList(0, 3));
        assertThat(repo.rootsCalls.get()).isZero();
        assertThat(repo.repliesCalls.get()).isZero();
        assertThat(events.published).isEmpty();

        // the pinned root is left out of later pages too, and not repeated as top
        RootPage p2 = reads.listRoots(VIDEO, Sort.TIME, 2, 1, 0);
        assertThat(rpids(p2.replies())).containsExactly(b.rpid());
        assertThat(p2.top()).isEmpty();

        ReplyPage replies = reads.listReplies(VIDEO, b.rpid(), 1, 4, 0);
        assertThat(rpids(replies.replies())).containsExactlyElementsOf(
                List.of(bReplies.get(0), bReplies.get(1), bReplies.get(2), bReplies.get(3)));
        assertThat(rpids(reads.listReplies(VIDEO, b.rpid(), 2, 4, 0).replies()))
                .containsExactly(bReplies.get(4), deep.rpid());
        assertThat(reads.listReplies(VIDEO, b.rpid(), 3, 4, 0).replies()).isEmpty();
        assertThat(deep.index().dialog()).isEqualTo(bReplies.get(1));
    }

    @Test
    void hiddenAndDeletedCommentsAreNotShown() {
        Reply a = repo.add(VIDEO, 101, 0, 0, "a");
        Reply b = repo.add(VIDEO, 102, 0, 0, "b");
        Reply r1 = repo.add(VIDEO, 103, a.rpid(), a.rpid(), "r1");
        cache.warm(repo, VIDEO);
        repo.setState(b.rpid(), ReplyState.DELETED); // the index still has it until the job removes it
        cache.entries.clear();
        RootPage page = reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
        assertThat(rpids(page.replies())).containsExactly(a.rpid());
        assertThatThrownBy(() -> reads.getReply(VIDEO, b.rpid()))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-404));
        assertThatThrownBy(() -> reads.listReplies(VIDEO, b.rpid(), 1, 20, 0))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-404));
        assertThatThrownBy(() -> reads.listReplies(VIDEO, r1.rpid(), 1, 20, 0))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.reason()).isEqualTo("BAD_THREAD"));
        // a comment of another subject is not found through this one
        assertThatThrownBy(() -> reads.getReply(new SubjectKey(1, 43), a.rpid()))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-404));
    }

    @Test
    void sortsFollowTheIndexScores() {
        Reply a = repo.add(VIDEO, 101, 0, 0, "a");
        Reply b = repo.add(VIDEO, 102, 0, 0, "b");
        Reply c = repo.add(VIDEO, 103, 0, 0, "c");
        repo.setLikes(a.rpid(), 10);
        repo.setLikes(b.rpid(), 3);
        repo.add(VIDEO, 104, c.rpid(), c.rpid(), "x");
        repo.add(VIDEO, 105, c.rpid(), c.rpid(), "y");
        assertThat(rpids(reads.listRoots(VIDEO, Sort.LIKES, 1, 20, 0).replies()))
                .containsExactly(a.rpid(), b.rpid(), c.rpid());
        assertThat(rpids(reads.listRoots(VIDEO, Sort.REPLIES, 1, 20, 0).replies()).getFirst()).isEqualTo(c.rpid());
        cache.warm(repo, VIDEO);
        assertThat(rpids(reads.listRoots(VIDEO, Sort.LIKES, 1, 20, 0).replies()))
                .containsExactly(a.rpid(), b.rpid(), c.rpid());
        assertThat(rpids(reads.listRoots(VIDEO, Sort.HOT, 1, 20, 0).replies()).getFirst()).isEqualTo(a.rpid());
    }

    @Test
    void pagesPastTheReadAheadOfARebuiltIndexComeFromTheTables() {
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            roots.add(repo.add(VIDEO, 100 + i, 0, 0, "root " + i).rpid());
        }
        // the job rebuilt the index with a read-ahead of 25
        cache.rebuildRoots(VIDEO, Sort.TIME, repo.roots(VIDEO, Sort.TIME, 0, 25).stream()
                .map(r -> new CommentCache.Scored(r.rpid(), IndexScores.root(Sort.TIME, r))).toList());
        repo.rootsCalls.set(0);
        assertThat(rpids(reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0).replies()))
                .containsExactlyElementsOf(roots.reversed().subList(0, 20));
        assertThat(repo.rootsCalls.get()).isZero();
        RootPage p2 = reads.listRoots(VIDEO, Sort.TIME, 2, 20, 0);
        assertThat(rpids(p2.replies())).containsExactlyElementsOf(roots.reversed().subList(20, 30));
        assertThat(p2.hasMore()).isFalse();
        assertThat(repo.rootsCalls.get()).isEqualTo(1);
        assertThat(reads.listRoots(VIDEO, Sort.TIME, 3, 20, 0).replies()).isEmpty();
        assertThat(events.published).isEmpty(); // the index exists: nothing to rebuild
    }

    @Test
    void entriesAppendedBelowTheCachedPrefixNeverFillADeepPage() {
        int total = CommentRules.CACHED_ROOTS_MAX + 30;
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            roots.add(repo.add(VIDEO, 100 + i, 0, 0, "root " + i).rpid());
        }
        List<Long> newestFirst = roots.reversed();
        // a rebuilt prefix, plus old roots appended below it later (a like re-scores a root outside the prefix)
        List<CommentCache.Scored> cached = new ArrayList<>();
        for (ReplyIndex r : repo.roots(VIDEO, Sort.TIME, 0, CommentRules.CACHED_ROOTS_MAX)) {
            cached.add(new CommentCache.Scored(r.rpid(), IndexScores.root(Sort.TIME, r)));
        }
        for (ReplyIndex r : repo.roots(VIDEO, Sort.TIME, total - 20, 20)) {
            cached.add(new CommentCache.Scored(r.rpid(), IndexScores.root(Sort.TIME, r)));
        }
        cache.rebuildRoots(VIDEO, Sort.TIME, cached);
        repo.rootsCalls.set(0);
        int lastPage = CommentRules.CACHED_ROOTS_MAX / 20 + 1; // the first page past the prefix
        RootPage deep = reads.listRoots(VIDEO, Sort.TIME, lastPage, 20, 0);
        assertThat(rpids(deep.replies())).containsExactlyElementsOf(
                newestFirst.subList(CommentRules.CACHED_ROOTS_MAX, CommentRules.CACHED_ROOTS_MAX + 20));
        assertThat(repo.rootsCalls.get()).as("read from the tables, not the cache").isEqualTo(1);
        assertThat(rpids(reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0).replies()))
                .containsExactlyElementsOf(newestFirst.subList(0, 20));
        assertThat(repo.rootsCalls.get()).as("pages inside the prefix still come from the cache").isEqualTo(1);
    }

    @Test
    void readersSeeTheirOwnLikes() {
        Reply a = repo.add(VIDEO, 101, 0, 0, "a");
        Reply b = repo.add(VIDEO, 102, 0, 0, "b");
        Reply r = repo.add(VIDEO, 103, a.rpid(), a.rpid(), "r");
        cache.warm(repo, VIDEO);
        repo.actions.put(555L, Map.of(a.rpid(), 1, r.rpid(), 2));
        RootPage page = reads.listRoots(VIDEO, Sort.TIME, 1, 20, 555);
        ReplyNode an = page.replies().stream().filter(n -> n.rpid() == a.rpid()).findFirst().orElseThrow();
        ReplyNode bn = page.replies().stream().filter(n -> n.rpid() == b.rpid()).findFirst().orElseThrow();
        assertThat(an.action()).isEqualTo(1);
        assertThat(an.replies().getFirst().action()).isEqualTo(2);
        assertThat(bn.action()).isZero();
        assertThat(reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0).replies()).allMatch(n -> n.action() == 0);
        assertThat(reads.listReplies(VIDEO, a.rpid(), 1, 20, 555).replies().getFirst().action()).isEqualTo(2);
        assertThat(reads.listReplies(VIDEO, a.rpid(), 1, 20, 555).root().action()).isEqualTo(1);
    }

    @Test
    void redisDownDegradesToTheTables() {
        Reply a = repo.add(VIDEO, 101, 0, 0, "a");
        cache.warm(repo, VIDEO);
        cache.broken = true;
        assertThat(rpids(reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0).replies())).containsExactly(a.rpid());
        assertThat(reads.stats().cacheErrors()).isPositive();
    }

    @Test
    void failedRebuildRequestIsRetriedByALaterMiss() {
        repo.add(VIDEO, 101, 0, 0, "a");
        events.failWith = PlazaError.overloaded("MQ_UNAVAILABLE", "kafka down");
        reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
        await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ofMillis(100)).until(() -> true);
        events.failWith = null;
        reads.listRoots(VIDEO, Sort.TIME, 1, 20, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.published.size() == 1);
    }

    @Test
    void pagingIsValidated() {
        for (int[] bad : new int[][]{{0, 20}, {-1, 20}, {1, 0}, {1, 21}, {10_001, 20}}) {
            assertThatThrownBy(() -> reads.listRoots(VIDEO, Sort.TIME, bad[0], bad[1], 0))
                    .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-400));
        }
    }
}
