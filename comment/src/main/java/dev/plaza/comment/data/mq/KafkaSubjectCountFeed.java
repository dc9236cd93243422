package dev.plaza.comment.data.mq;

import dev.plaza.api.archive.v1.StatEvent;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectCountFeed;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.mq.MqProducer;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video subject's count (visible roots and replies) as a {@code plaza.archive.v1.StatEvent} REPLY on
 * {@value #TOPIC}, keyed by aid, sent without waiting: the archive keeps the newest total per video. A failed send is
 * logged; the next change of the subject sends the count again.
 */
public final class KafkaSubjectCountFeed implements SubjectCountFeed {
    private static final Logger log = LoggerFactory.getLogger(KafkaSubjectCountFeed.class);
    /** The archive's stat topic (the archive's {@code StatJob} consumes it). */
    public static final String TOPIC = "archive-stat";

    private final MqProducer producer;
    private final Clock clock;

    public KafkaSubjectCountFeed(MqProducer producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    @Override
    public void counted(Subject subject) {
        SubjectKey key = subject.key();
        if (key.type() != SubjectKey.TYPE_VIDEO) {
            return; // only videos have a stat
        }
        byte[] event = StatEvent.newBuilder().setAid(key.oid()).setKind(StatEvent.Kind.REPLY)
                .setValue(subject.allCount()).setEventTime(clock.millis()).build().toByteArray();
        try {
            producer.sendAsync(TOPIC, Long.toString(key.oid()), event, null).whenComplete((ok, err) -> {
                if (err != null) {
                    log.warn("comment count of video {} not sent to {}: {}", key.oid(), TOPIC, err.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("comment count of video {} not sent to {}: {}", key.oid(), TOPIC, e.toString());
        }
    }
}
