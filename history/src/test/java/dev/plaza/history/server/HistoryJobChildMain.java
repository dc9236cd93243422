package dev.plaza.history.server;

import dev.plaza.history.biz.DelegatingStore;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.data.db.HistoryDbConfig;
import dev.plaza.history.data.db.HistoryShards;
import dev.plaza.history.data.db.ShardedHistoryStore;
import dev.plaza.history.data.redis.RedisHistoryCache;
import dev.plaza.history.job.HistoryJob;
import dev.plaza.history.job.HistoryJobUsecase;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A history job in a JVM of its own, so a test can kill it with SIGKILL mid-stream (no close, no commit). Its store
 * writes each batch, then hangs for good once {@code hangAfter} records were written, before the handler returns:
 * those records are in the store but their offsets can never have been committed. Exits when stdin closes.
 *
 * <p>Arguments: jdbcUrl user password kafkaBootstrap redisUri hangAfter.
 */
public final class HistoryJobChildMain {
    private HistoryJobChildMain() {
    }

    static List<String> args(String jdbcUrl, String user, String password, String kafka, String redisUri,
                             int hangAfter) {
        return List.of(jdbcUrl, user, password, kafka, redisUri, Integer.toString(hangAfter));
    }

    public static void main(String[] args) throws Exception {
        DbConfig db = new DbConfig(args[0], args[1], args[2], 4, Duration.ofSeconds(10));
        HistoryShards shards = HistoryShards.open(new HistoryDbConfig(List.of(db), 4), new SimpleMeterRegistry());
        Redis redis = Redis.connect(new RedisConfig(args[4], Duration.ofSeconds(2)));
        int hangAfter = Integer.parseInt(args[5]);
        AtomicInteger written = new AtomicInteger();
        ShardedHistoryStore real = new ShardedHistoryStore(shards);
        DelegatingStore store = new DelegatingStore(real) {
            @Override
            public int upsert(Collection<HistoryRecord> records) {
                int n = super.upsert(records);
                if (written.addAndGet(records.size()) >= hangAfter) {
                    System.out.println("HUNG after " + written.get());
                    System.out.flush();
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return n;
            }
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        HistoryJob job = new HistoryJob(new HistoryJobUsecase(new RedisHistoryCache(redis,
                RedisHistoryCache.Settings.defaults()), store, meters), HistoryFlowIT.kafka(args[3]),
                new HistoryJob.Settings(8, 2, 1), meters, null);
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
}
