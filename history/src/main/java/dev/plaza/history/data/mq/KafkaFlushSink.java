package dev.plaza.history.data.mq;

import dev.plaza.api.history.v1.HistoryFlush;
import dev.plaza.history.biz.FlushSink;
import dev.plaza.history.biz.HistoryMessages;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import java.util.List;
import java.util.Map;

/**
 * Publishes merged records to {@value #TOPIC}, key = the region, one {@link HistoryFlush} per call, and blocks until
 * the broker acknowledged it (acks=all). The producer is shared and not closed here.
 */
public final class KafkaFlushSink implements FlushSink {
    public static final String TOPIC = "history-flush";

    private final MqProducer producer;

    public KafkaFlushSink(MqProducer producer) {
        this.producer = producer;
    }

    /** Creates the topic when missing ({@code partitions}), then the sink. */
    public static KafkaFlushSink create(MqProducer producer, KafkaConfig kafka, int partitions) {
        MqTopics.ensure(kafka, TOPIC, partitions);
        return new KafkaFlushSink(producer);
    }

    @Override
    public void publish(int region, List<HistoryRecord> records) {
        HistoryFlush.Builder b = HistoryFlush.newBuilder().setRegion(region);
        for (HistoryRecord r : records) {
            b.addRecords(HistoryMessages.toMsg(r));
        }
        producer.send(TOPIC, Integer.toString(region), b.build().toByteArray(), Map.of());
    }
}
