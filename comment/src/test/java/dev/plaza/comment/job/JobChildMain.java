package dev.plaza.comment.job;

import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.db.ShardedCommentReadRepo;
import dev.plaza.comment.data.db.ShardedCommentStore;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A comment job in a JVM of its own, so a test can kill it with SIGKILL mid-stream (no close, no commit). Its
 * store sleeps a little per post so that the stream takes a while, and hangs for good right after writing its
 * {@code hangAfter}-th post, before the handler returns: that post is in the tables but its offset can never have
 * been committed. Exits when its stdin closes (the test JVM died).
 *
 * <p>Arguments: jdbcUrl user password kafkaBootstrap redisUri delayMs hangAfter.
 */
public final class JobChildMain {
    private JobChildMain() {
    }

    public static void main(String[] args) throws Exception {
        DbConfig db = new DbConfig(args[0], args[1], args[2], 4, Duration.ofSeconds(10));
        CommentShards shards = CommentShards.open(CommentDbConfig.single(db, 4, 8, 8, 8), new SimpleMeterRegistry());
        Redis redis = Redis.connect(new RedisConfig(args[4], Duration.ofSeconds(2)));
        long delay = Long.parseLong(args[5]);
        CommentStore store = new Slow(new ShardedCommentStore(shards, Clock.systemUTC()), delay,
                Integer.parseInt(args[6]));
        KafkaConfig kafka = CommentJobIT.kafka(args[3], "comment-job-child");
        CommentJob job = CommentJob.create(store, new ShardedCommentReadRepo(shards),
                new RedisCommentCache(redis, RedisCommentCache.Settings.defaults()), kafka,
                CommentJobIT.SMALL_POLLS, new SimpleMeterRegistry(), null);
        job.start();
        System.out.println("STARTED");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        job.close();
        redis.close();
        shards.close();
        System.exit(0);
    }

    /** Delegates, sleeping before each post; with {@code hangAfter > 0} it stops for good after that many posts. */
    static final class Slow implements CommentStore {
        private final CommentStore d;
        private final long delayMs;
        private final int hangAfter;
        private final AtomicInteger posts = new AtomicInteger();

        Slow(CommentStore d, long delayMs, int hangAfter) {
            this.d = d;
            this.delayMs = delayMs;
            this.hangAfter = hangAfter;
        }

        @Override
        public PostOutcome applyPost(NewReply reply, long ownerMid) {
            sleep(delayMs);
            PostOutcome out = d.applyPost(reply, ownerMid);
            if (hangAfter > 0 && posts.incrementAndGet() >= hangAfter) {
                System.out.println("HUNG after " + reply.rpid());
                System.out.flush();
                sleep(Long.MAX_VALUE);
            }
            return out;
        }

        /** One by one, so that the hang comes after exactly {@code hangAfter} committed posts. */
        @Override
        public List<PostAttempt> applyPosts(SubjectKey key, List<NewReply> replies, long ownerMid) {
            List<PostAttempt> out = new java.util.ArrayList<>();
            for (NewReply r : replies) {
                out.add(new PostAttempt(applyPost(r, ownerMid), null)); // the test posts only valid comments
            }
            return out;
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public Optional<ReplyIndex> applyAction(SubjectKey key, long rpid, long mid, int kind, boolean doIt) {
            return d.applyAction(key, rpid, mid, kind, doIt);
        }

        @Override
        public Optional<ReplyIndex> applyDelete(SubjectKey key, long rpid) {
            return d.applyDelete(key, rpid);
        }

        @Override
        public Optional<Subject> applyPin(SubjectKey key, long rpid, boolean pinned) {
            return d.applyPin(key, rpid, pinned);
        }

        @Override
        public Subject applyClose(SubjectKey key, long ownerMid, boolean closed) {
            return d.applyClose(key, ownerMid, closed);
        }

        @Override
        public Optional<ReplyIndex> applyModerate(SubjectKey key, long rpid, int state) {
            return d.applyModerate(key, rpid, state);
        }

        @Override
        public Subject ensureSubject(SubjectKey key, long ownerMid) {
            return d.ensureSubject(key, ownerMid);
        }
    }

    static List<String> args(String jdbcUrl, String user, String password, String kafka, String redis, long delay,
                             int hangAfter) {
        return List.of(jdbcUrl, user, password == null ? "" : password, kafka, redis, Long.toString(delay),
                Integer.toString(hangAfter));
    }
}
