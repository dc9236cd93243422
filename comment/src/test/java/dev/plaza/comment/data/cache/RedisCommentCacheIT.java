package dev.plaza.comment.data.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.comment.biz.CommentCache.Scored;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.biz.SubjectPostQuota;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Redis side of the read path and the write guards, on a real Redis. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCommentCacheIT {
    private static final SubjectKey VIDEO = new SubjectKey(1, 4242);
    private Redis redis;
    private RedisCommentCache cache;

    @BeforeAll
    void connect(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/5", Duration.ofSeconds(2)));
        cache = new RedisCommentCache(redis, RedisCommentCache.Settings.defaults());
    }

    @BeforeEach
    void flush() {
        redis.sync().flushdb();
    }

    @AfterAll
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private static ReplyIndex index(long rpid, long root, int floor, int likes, int rcount) {
        return new ReplyIndex(rpid, VIDEO, 100 + rpid, root, root, root == 0 ? 0 : rpid, floor, rcount, rcount, likes,
                0, ReplyState.NORMAL, 0, Instant.ofEpochMilli(1_700_000_000_000L + floor * 1000L));
    }

    private static Reply reply(ReplyIndex i, String message) {
        return new Reply(i, new ReplyContent(i.rpid(), message, List.of(7L, 8L), "10.0.0.1", "1", "ua",
                i.ctime()));
    }

    @Test
    void subjectsRoundTripAndTheNewerOneWins() {
        assertThat(cache.subject(VIDEO)).isEmpty();
        Instant t1 = Instant.ofEpochMilli(1_700_000_000_123L);
        Subject s1 = new Subject(VIDEO, 9, 10, 4, 10, Subject.STATE_OPEN, 2, 77, t1.minusSeconds(60), t1);
        cache.putSubject(s1);
        assertThat(cache.subject(VIDEO)).contains(s1);
        Subject older = new Subject(VIDEO, 9, 9, 3, 9, Subject.STATE_OPEN, 0, 0, t1.minusSeconds(60),
                t1.minusMillis(1));
        cache.putSubject(older); // a reader that read the tables before the job's update: ignored
        assertThat(cache.subject(VIDEO)).contains(s1);
        Subject newer = new Subject(VIDEO, 9, 11, 5, 11, Subject.STATE_CLOSED, 0, 0, t1.minusSeconds(60),
                t1.plusMillis(5));
        cache.putSubject(newer);
        assertThat(cache.subject(VIDEO)).contains(newer);
        assertThat(cache.subject(VIDEO).orElseThrow().closed()).isTrue();
        assertThat(redis.sync().pttl(RedisCommentCache.subjectKey(VIDEO))).isPositive();
        cache.evictSubject(VIDEO);
        assertThat(cache.subject(VIDEO)).isEmpty();
    }

    @Test
    void indexesAreAppendedOnlyWhenTheyExist() {
        ReplyIndex a = index(11, 0, 1, 0, 0);
        ReplyIndex b = index(12, 0, 2, 5, 0);
        cache.upsertRoot(a);
        for (Sort s : Sort.values()) {
            assertThat(redis.sync().exists(RedisCommentCache.rootIndexKey(VIDEO, s))).as(s.name()).isZero();
            assertThat(cache.rootPage(VIDEO, s, 0, 20)).isEmpty();
        }
        cache.rebuildRoots(VIDEO, Sort.TIME, List.of(new Scored(a.rpid(), IndexScores.root(Sort.TIME, a))));
        cache.rebuildRoots(VIDEO, Sort.LIKES, List.of());
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 20)).contains(List.of()); // cached and empty
        cache.upsertRoot(b);
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 20)).contains(List.of(b.rpid(), a.rpid()));
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 20)).contains(List.of(b.rpid()));
        assertThat(cache.rootPage(VIDEO, Sort.HOT, 0, 20)).isEmpty();
        // re-scoring moves it
        cache.rebuildRoots(VIDEO, Sort.LIKES, List.of(new Scored(a.rpid(), IndexScores.root(Sort.LIKES, a)),
                new Scored(b.rpid(), IndexScores.root(Sort.LIKES, b))));
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 20)).contains(List.of(b.rpid(), a.rpid()));
        ReplyIndex aLiked = index(11, 0, 1, 9, 0);
        cache.upsertRoot(aLiked);
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 20)).contains(List.of(a.rpid(), b.rpid()));
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 1, 20)).contains(List.of(b.rpid()));
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 2, 20)).contains(List.of());
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 1)).contains(List.of(a.rpid()));
        long ttl = redis.sync().pttl(RedisCommentCache.rootIndexKey(VIDEO, Sort.LIKES));
        assertThat(ttl).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());

        cache.remove(aLiked);
        assertThat(cache.rootPage(VIDEO, Sort.LIKES, 0, 20)).contains(List.of(b.rpid()));
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 20)).contains(List.of(b.rpid()));
    }

    @Test
    void replyIndexesGoByFloorAndLeaveWithTheirRoot() {
        ReplyIndex root = index(20, 0, 1, 0, 3);
        assertThat(cache.replyPage(VIDEO, root.rpid(), 0, 3)).isEmpty();
        cache.appendReply(index(21, 20, 2, 0, 0)); // no index yet: nothing created
        assertThat(redis.sync().exists(RedisCommentCache.replyIndexKey(20))).isZero();
        cache.rebuildReplies(VIDEO, 20, List.of(new Scored(22, 3), new Scored(21, 2)));
        cache.appendReply(index(23, 20, 4, 0, 0));
        assertThat(cache.replyPage(VIDEO, 20, 0, 3)).contains(List.of(21L, 22L, 23L));
        assertThat(cache.replyPage(VIDEO, 20, 1, 1)).contains(List.of(22L));
        assertThat(cache.replyPage(VIDEO, 20, 3, 3)).contains(List.of());
        cache.remove(index(22, 20, 3, 0, 0));
        assertThat(cache.replyPage(VIDEO, 20, 0, 3)).contains(List.of(21L, 23L));
        cache.rebuildRoots(VIDEO, Sort.TIME, List.of(new Scored(20, 1)));
        cache.remove(root);
        assertThat(cache.replyPage(VIDEO, 20, 0, 3)).isEmpty();
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 3)).contains(List.of());
    }

    @Test
    void bigRebuildsReplaceTheWholeIndex() {
        List<Scored> entries = new ArrayList<>();
        for (int i = 1; i <= 1_234; i++) {
            entries.add(new Scored(1_000 + i, i));
        }
        cache.rebuildRoots(VIDEO, Sort.TIME, List.of(new Scored(5, 99_999)));
        cache.rebuildRoots(VIDEO, Sort.TIME, entries);
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 2)).contains(List.of(2_234L, 2_233L));
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 1_233, 20)).contains(List.of(1_001L));
        assertThat(redis.sync().zcard(RedisCommentCache.rootIndexKey(VIDEO, Sort.TIME))).isEqualTo(1_235);
        assertThat(redis.sync().keys("c:i:*:tmp:*")).isEmpty();
    }

    @Test
    void commentEntriesRoundTripByMget() {
        Reply a = reply(index(31, 0, 1, 3, 2), "第一 😀 \"quoted\" <b>");
        Reply b = new Reply(index(32, 31, 2, 0, 0), new ReplyContent(32, "", List.of(), "", "", "", null));
        cache.putReplies(List.of(a, b));
        Map<Long, Reply> got = cache.replies(List.of(31L, 32L, 33L, 31L));
        assertThat(got).containsOnlyKeys(31L, 32L);
        assertThat(got.get(31L)).isEqualTo(a);
        assertThat(got.get(32L).index()).isEqualTo(b.index());
        assertThat(got.get(32L).content().message()).isEmpty();
        assertThat(got.get(32L).content().ctime()).isEqualTo(b.index().ctime());
        assertThat(redis.sync().pttl(RedisCommentCache.replyKey(31))).isPositive();
        cache.evictReply(31);
        assertThat(cache.replies(List.of(31L))).isEmpty();
        assertThat(cache.replies(List.of())).isEmpty();
    }

    @Test
    void writeLimiterCountsPerUserAndWindow() throws Exception {
        RedisWriteLimiter limiter = new RedisWriteLimiter(redis, "post", 3, Duration.ofMillis(300));
        RedisWriteLimiter other = new RedisWriteLimiter(redis, "action", 1, Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire(1)).isTrue();
        assertThat(limiter.tryAcquire(1)).isTrue();
        assertThat(limiter.tryAcquire(1)).isTrue();
        assertThat(limiter.tryAcquire(1)).isFalse();
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(other.tryAcquire(1)).isTrue();
        assertThat(redis.sync().pttl(RedisWriteLimiter.key("post", 1))).isBetween(1L, 300L);
        Thread.sleep(350);
        assertThat(limiter.tryAcquire(1)).isTrue();
    }

    @Test
    void subjectQuotaIsOneBucketPerSubjectOverAllUsers() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SubjectPostQuota quota = RedisSubjectPostQuota.of(redis, 0.5, 2, meters); // a post per 2 s, 2 at once
        assertThat(quota.tryAcquire(VIDEO)).isTrue();
        assertThat(quota.tryAcquire(VIDEO)).isTrue();
        assertThat(quota.tryAcquire(VIDEO)).isFalse();
        assertThat(quota.tryAcquire(new SubjectKey(1, 4243))).isTrue();
        assertThat(quota.tryAcquire(new SubjectKey(17, 4242))).as("another type, another subject").isTrue();
        assertThat(RedisSubjectPostQuota.key(VIDEO)).isEqualTo("c:quota:post:1:4242");
        assertThat(redis.sync().pttl(RedisSubjectPostQuota.key(VIDEO))).isBetween(3_000L, 4_000L);
        assertThat(meters.get("plaza.quota.refused").tag("limiter", RedisSubjectPostQuota.LIMITER).counter().count())
                .isEqualTo(1);
        assertThat(RedisSubjectPostQuota.of(redis, 0, 2, meters)).as("0 is off")
                .isNotInstanceOf(RedisSubjectPostQuota.class);
    }

    @Test
    void duplicateGuardClaimsOncePerWindow() {
        RedisDuplicateGuard guard = new RedisDuplicateGuard(redis, Duration.ofSeconds(60));
        assertThat(guard.claim(1, VIDEO, "hello")).isTrue();
        assertThat(guard.claim(1, VIDEO, "hello")).isFalse();
        assertThat(guard.claim(2, VIDEO, "hello")).isTrue();
        assertThat(guard.claim(1, new SubjectKey(1, 1), "hello")).isTrue();
        assertThat(guard.claim(1, VIDEO, "hello!")).isTrue();
        guard.release(1, VIDEO, "hello");
        assertThat(guard.claim(1, VIDEO, "hello")).isTrue();
        assertThat(redis.sync().pttl(RedisDuplicateGuard.key(1, VIDEO, "hello")))
                .isBetween(Duration.ofSeconds(59).toMillis(), Duration.ofSeconds(60).toMillis());
        assertThat(RedisDuplicateGuard.key(1, VIDEO, "hello")).startsWith("c:dup:1:1:4242:").hasSize(47);
    }

    @Test
    void scriptsSurviveAScriptFlush() {
        cache.rebuildRoots(VIDEO, Sort.TIME, List.of(new Scored(1, 1)));
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 5)).contains(List.of(1L));
        redis.sync().scriptFlush();
        assertThat(cache.rootPage(VIDEO, Sort.TIME, 0, 5)).contains(List.of(1L));
        assertThat(cache.rootPage(new SubjectKey(1, 1), Sort.TIME, 0, 5)).isEqualTo(Optional.empty());
    }
}
