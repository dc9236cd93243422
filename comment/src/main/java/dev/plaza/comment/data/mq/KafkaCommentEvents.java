package dev.plaza.comment.data.mq;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import java.util.Map;

/**
 * Publishes comment events to Kafka: topic {@value #TOPIC} (unless told otherwise), key {@code "type:oid"} so that
 * one subject's events are applied in order by the job, value the {@link CommentEvent} protobuf, and a header
 * {@code event} naming its kind (post, action, delete, pin, close, rebuild, moderate) for tools that peek. Blocks
 * until the broker acknowledged; failures are the producer's -503 / -500 PlazaErrors. The producer is shared and
 * not closed here.
 */
public final class KafkaCommentEvents implements CommentEvents {
    public static final String TOPIC = "comment-events";
    public static final String KIND_HEADER = "event";

    private final MqProducer producer;
    private final String topic;

    public KafkaCommentEvents(MqProducer producer) {
        this(producer, TOPIC);
    }

    public KafkaCommentEvents(MqProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Creates the topic when it does not exist yet (with {@code partitions} partitions; the job does the same on its
     * start), so that the service can publish before any job ran. The producer is shared and not closed here.
     */
    public static KafkaCommentEvents create(MqProducer producer, KafkaConfig kafka, int partitions) {
        MqTopics.ensure(kafka, TOPIC, partitions);
        return new KafkaCommentEvents(producer, TOPIC);
    }

    public String topic() {
        return topic;
    }

    @Override
    public void publish(SubjectKey key, CommentEvent event) {
        producer.send(topic, key.kafkaKey(), event.toByteArray(), Map.of(KIND_HEADER, kind(event)));
    }

    static String kind(CommentEvent event) {
        return switch (event.getEventCase()) {
            case POST -> "post";
            case ACTION -> "action";
            case DELETE -> "delete";
            case PIN -> "pin";
            case CLOSE -> "close";
            case REBUILD -> "rebuild";
            case MODERATE -> "moderate";
            case EVENT_NOT_SET -> "unknown";
        };
    }
}
