package dev.plaza.im.logic.data.mq;

import com.google.protobuf.ByteString;
import dev.plaza.api.im.v1.PushMsg;
import dev.plaza.im.logic.biz.Push;
import dev.plaza.im.logic.biz.PushPublisher;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes pushes as {@link PushMsg} to the push topic ({@value #DEFAULT_TOPIC} unless configured). Keys: the room
 * for room pushes (a room's messages stay in order, in one partition), the comet for key pushes (a connection's
 * messages stay in order), none for broadcasts (spread). The messages of one call are sent together and the call
 * returns once the broker acknowledged all of them. The producer is shared and not closed here.
 */
public final class KafkaPushPublisher implements PushPublisher {
    public static final String DEFAULT_TOPIC = "im-push";
    /** A backstop only: the producer fails a send by itself after its send timeout. */
    private static final long WAIT_SECONDS = 60;

    private final MqProducer producer;
    private final String topic;

    public KafkaPushPublisher(MqProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Creates the topic when missing ({@code partitions}), then the publisher. */
    public static KafkaPushPublisher create(MqProducer producer, KafkaConfig kafka, String topic, int partitions) {
        MqTopics.ensure(kafka, topic, partitions);
        return new KafkaPushPublisher(producer, topic);
    }

    public String topic() {
        return topic;
    }

    @Override
    public void publish(List<Push> pushes) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(pushes.size());
        for (Push p : pushes) {
            acks.add(producer.sendAsync(topic, key(p), toMsg(p).toByteArray(), Map.of()));
        }
        PlazaError first = null;
        for (CompletableFuture<RecordMetadata> ack : acks) {
            try {
                ack.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                first = first == null ? PlazaError.from(e.getCause()) : first;
            } catch (TimeoutException e) {
                first = first == null ? PlazaError.overloaded("MQ_UNAVAILABLE", "kafka did not acknowledge a push to "
                        + topic + " in time; it may still be written") : first;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PlazaError.overloaded("MQ_UNAVAILABLE", "interrupted while waiting for kafka").withCause(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static String key(Push p) {
        return switch (p) {
            case Push.Keys k -> k.server();
            case Push.Room r -> r.room();
            case Push.Broadcast b -> null;
        };
    }

    /** The wire form the job reads. */
    public static PushMsg toMsg(Push p) {
        PushMsg.Builder b = PushMsg.newBuilder().setOp(p.op()).setBody(ByteString.copyFrom(p.body()));
        switch (p) {
            case Push.Keys k -> b.setType(PushMsg.Type.KEYS).setServer(k.server()).addAllKeys(k.keys());
            case Push.Room r -> b.setType(PushMsg.Type.ROOM).setRoom(r.room());
            case Push.Broadcast bc -> b.setType(PushMsg.Type.BROADCAST).setSpeed(bc.speed());
        }
        return b.build();
    }
}
