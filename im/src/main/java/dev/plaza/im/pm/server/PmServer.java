package dev.plaza.im.pm.server;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.im.logic.biz.PushUsecase;
import dev.plaza.im.pm.biz.PmFanout;
import dev.plaza.im.pm.biz.PmUsecase;
import dev.plaza.im.pm.data.db.PmShards;
import dev.plaza.im.pm.data.db.ShardedBlockList;
import dev.plaza.im.pm.data.db.ShardedMessageStore;
import dev.plaza.im.pm.data.db.ShardedSessionStore;
import dev.plaza.im.pm.data.mq.KafkaPmNotices;
import dev.plaza.im.pm.data.push.LogicPmPusher;
import dev.plaza.im.pm.data.redis.RedisSendLimiter;
import dev.plaza.im.pm.data.remote.AccountUserDirectory;
import dev.plaza.im.pm.job.PmJob;
import dev.plaza.im.pm.service.PmHttpRoutes;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.id.Snowflake;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import dev.plaza.kit.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;

/**
 * Wires private messages for one process: the sharded store, the use case behind the HTTP API, and (when enabled) the
 * job that pushes and updates sessions. Pushes go through logic's {@link PushUsecase}, so they take the same
 * Kafka -> im job -> comet path as every other push.
 */
public final class PmServer implements AutoCloseable {
    private final PmSettings settings;
    private final PmShards shards;
    private final ShardedMessageStore messages;
    private final PmUsecase usecase;
    private final PmFanout fanout;
    private final KafkaConfig jobKafka;
    private final MeterRegistry meters;
    private final OpenTelemetry otel;
    private PmJob job;

    private PmServer(PmSettings settings, PmShards shards, ShardedMessageStore messages, PmUsecase usecase,
                     PmFanout fanout, KafkaConfig jobKafka, MeterRegistry meters, OpenTelemetry otel) {
        this.settings = settings;
        this.shards = shards;
        this.messages = messages;
        this.usecase = usecase;
        this.fanout = fanout;
        this.jobKafka = jobKafka;
        this.meters = meters;
        this.otel = otel;
    }

    /** Opens (and on first use creates) the tables and the notice topic. */
    public static PmServer create(PmSettings settings, Redis redis, MqProducer producer, String kafkaBootstrap,
                                  PushUsecase pushes, AccountGrpc.AccountBlockingStub account, Duration rpcTimeout,
                                  MeterRegistry meters, OpenTelemetry otel, Clock clock) {
        PmShards shards = PmShards.open(settings.db(), meters);
        try {
            MqTopics.ensure(KafkaConfig.of(kafkaBootstrap, "plaza-im-pm"), settings.topic(),
                    settings.job().partitions());
            ShardedMessageStore messages = new ShardedMessageStore(shards, clock);
            ShardedSessionStore sessions = new ShardedSessionStore(shards);
            Snowflake ids = new Snowflake(settings.workerId(), clock::millis);
            PmUsecase usecase = new PmUsecase(settings.rules(), messages, sessions, new ShardedBlockList(shards),
                    new AccountUserDirectory(account, rpcTimeout),
                    new RedisSendLimiter(redis, settings.rules().sendBurst(), settings.rules().sendWindow()),
                    new KafkaPmNotices(producer, settings.topic()), ids::nextId, clock);
            PmFanout fanout = new PmFanout(messages, sessions, new LogicPmPusher(pushes));
            return new PmServer(settings, shards, messages, usecase, fanout,
                    KafkaConfig.of(kafkaBootstrap, "plaza-im-pm-job"), meters, otel);
        } catch (RuntimeException e) {
            shards.close();
            throw e;
        }
    }

    /** Bilibili's private-message paths and the block switch, for the public edge. */
    public HttpRoutes httpRoutes() {
        return new PmHttpRoutes(usecase);
    }

    public PmUsecase usecase() {
        return usecase;
    }

    /** Starts the job when enabled. */
    public void startJob() {
        if (!settings.jobEnabled() || job != null) {
            return;
        }
        job = new PmJob(fanout, messages, jobKafka, settings.job(), meters, otel);
        job.start();
    }

    /** Stops the job: what it has not delivered stays in Kafka (and behind the cursor) for the next start. */
    public void stopJob() {
        if (job != null) {
            job.close();
            job = null;
        }
    }

    public boolean isHealthy() {
        return shards.isHealthy();
    }

    @Override
    public void close() {
        try {
            stopJob();
        } finally {
            shards.close();
        }
    }
}
