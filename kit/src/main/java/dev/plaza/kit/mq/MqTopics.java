package dev.plaza.kit.mq;

import dev.plaza.kit.errors.PlazaError;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates topics a system needs, so it works on brokers without auto-creation (and gets its partition count). */
public final class MqTopics {
    private static final Logger LOG = LoggerFactory.getLogger(MqTopics.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private MqTopics() {
    }

    /** {@link #ensure(KafkaConfig, String, int, Duration)} with a 10 s timeout. */
    public static boolean ensure(KafkaConfig config, String topic, int partitions) {
        return ensure(config, topic, partitions, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topic with {@code partitions} partitions and the broker's default replication factor when it is
     * missing; an existing topic is left as it is (whatever its partition count). Idempotent, and safe when several
     * processes race to create the same topic. Returns once every partition's leader accepts writes, so producing
     * right after is safe (a fresh partition refuses writes for a moment, which can make an idempotent producer
     * fail a batch).
     *
     * @return true if this call created the topic, false if it existed
     * @throws PlazaError -503 {@link MqErrors#UNAVAILABLE} when Kafka does not answer within {@code timeout};
     *                    -500 {@link MqErrors#SEND_FAILED} when it refuses (not authorized, invalid name...)
     */
    public static boolean ensure(KafkaConfig config, String topic, int partitions, Duration timeout) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(timeout.toMillis(), 100));
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(AdminClientConfig.CLIENT_ID_CONFIG, config.clientId() + "-admin");
        // a third of the whole per request: a request the broker dropped (a disconnect on a busy machine) is sent
        // again by the admin client within the same overall timeout instead of using it all up
        defaults.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeoutMs / 3, 100));
        defaults.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        Admin admin;
        try {
            admin = Admin.create(config.clientProperties(KafkaConfig.Kind.ADMIN, defaults));
        } catch (KafkaException e) {
            throw MqErrors.unavailable(topic, "cannot create a kafka admin client for " + config.bootstrap() + ": "
                    + e.getMessage(), e);
        }
        try {
            boolean created;
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                        .all().get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
                created = true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                created = false;
            }
            awaitLeaders(admin, topic, timeoutMs, System.nanoTime() + timeoutMs * 1_000_000L);
            if (created) {
                LOG.info("created topic {} with {} partitions", topic, partitions);
            }
            return created;
        } catch (ExecutionException e) {
            throw MqErrors.failure(topic, "creating topic " + topic, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw MqErrors.unavailable(topic, "kafka did not create topic " + topic + " within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MqErrors.unavailable(topic, "interrupted while creating topic " + topic, e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Returns once every partition's leader serves requests. A fresh topic is in the metadata a moment before its
     * leader has opened the partition; an idempotent producer writing in that moment can get one batch refused
     * (NOT_LEADER) while a later one is accepted, and then the refused batch fails with OUT_OF_ORDER_SEQUENCE until
     * its delivery timeout. Listing the partitions' end offsets goes to the leaders, and the admin client retries it
     * until they answer. Right after creation the broker asked may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION,
     * a retriable error the describe call does not retry by itself): ask again until {@code deadlineNanos}.
     */
    private static void awaitLeaders(Admin admin, String topic, int timeoutMs, long deadlineNanos)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        while (true) {
            try {
                describeAndList(admin, topic, timeoutMs);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadlineNanos > 0) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void describeAndList(Admin admin, String topic, int timeoutMs)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        description.partitions().forEach(p -> partitions.put(new TopicPartition(topic, p.partition()),
                OffsetSpec.latest()));
        admin.listOffsets(partitions).all().get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
    }
}
