package dev.plaza.history.data.mq;

import dev.plaza.api.history.v1.FirstViewEvent;
import dev.plaza.history.biz.FirstViewEvents;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.mq.MqTopics;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes "first view of the day" to {@value #TOPIC}, key = mid, without waiting: the report must not wait for
 * rewards. A failed send is logged; the gate has already fired for the day, so that user's event is lost (rewards
 * are best effort; a reconciliation job could rebuild the day from the store).
 */
public final class KafkaFirstViewEvents implements FirstViewEvents {
    private static final Logger log = LoggerFactory.getLogger(KafkaFirstViewEvents.class);
    public static final String TOPIC = "history-first-view";

    private final MqProducer producer;
    private final ZoneId zone;

    public KafkaFirstViewEvents(MqProducer producer, ZoneId zone) {
        this.producer = producer;
        this.zone = zone;
    }

    public static KafkaFirstViewEvents create(MqProducer producer, KafkaConfig kafka, int partitions, ZoneId zone) {
        MqTopics.ensure(kafka, TOPIC, partitions);
        return new KafkaFirstViewEvents(producer, zone);
    }

    @Override
    public void firstView(long mid, Kid kid, long viewAt) {
        FirstViewEvent e = FirstViewEvent.newBuilder().setMid(mid).setKid(kid.toString()).setViewAt(viewAt)
                .setDay(LocalDate.ofInstant(Instant.ofEpochMilli(viewAt), zone).toString()).build();
        producer.sendAsync(TOPIC, Long.toString(mid), e.toByteArray(), Map.of()).whenComplete((ok, err) -> {
            if (err != null) {
                log.warn("first-view event of {} on {} not delivered: {}", mid, e.getDay(), err.toString());
            }
        });
    }
}
