package dev.plaza.im.pm.data.mq;

import dev.plaza.api.im.v1.PmNotice;
import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.PmNotices;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.mq.MqProducer;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes {@link PmNotice}s to the private-message topic, keyed by conversation ({@link ConversationId#key()}), so
 * one conversation's notices land in one partition and the job handles them in order. Waits for the broker's ack.
 */
public final class KafkaPmNotices implements PmNotices {
    public static final String DEFAULT_TOPIC = "im-pm";
    /** A backstop only: the producer fails a send by itself after its send timeout. */
    private static final long WAIT_SECONDS = 30;

    private final MqProducer producer;
    private final String topic;

    public KafkaPmNotices(MqProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void stored(ConversationId conv, long seqno) {
        byte[] value = PmNotice.newBuilder().setLoMid(conv.lo()).setHiMid(conv.hi()).setSeqno(seqno).build()
                .toByteArray();
        try {
            producer.sendAsync(topic, conv.key(), value, Map.of()).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw PlazaError.from(e.getCause());
        } catch (TimeoutException e) {
            throw PlazaError.overloaded("MQ_UNAVAILABLE", "kafka did not acknowledge a notice to " + topic
                    + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PlazaError.overloaded("MQ_UNAVAILABLE", "interrupted while waiting for kafka").withCause(e);
        }
    }
}
