package dev.plaza.im.live.data;

import dev.plaza.api.archive.v1.StatEvent;
import dev.plaza.im.live.biz.DanmakuCounts;
import dev.plaza.kit.mq.MqProducer;
import dev.plaza.kit.redis.Redis;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's danmaku total in Redis ({@code im:dm:count:<room>}, INCR, shared by every logic instance), sent on after
 * each danmaku as a {@code plaza.archive.v1.StatEvent} DANMAKU on {@value #TOPIC} (key: the aid, which is the room),
 * without waiting. Totals rather than +1s, so a redelivered event counts nothing twice; a failed send is logged and
 * the next danmaku's total covers it.
 */
public final class DanmakuCountFeed implements DanmakuCounts {
    private static final Logger log = LoggerFactory.getLogger(DanmakuCountFeed.class);
    /** The archive's stat topic (the archive's {@code StatJob} consumes it). */
    public static final String TOPIC = "archive-stat";
    static final String KEY = "im:dm:count:";

    private final Redis redis;
    private final MqProducer producer;
    private final Clock clock;

    public DanmakuCountFeed(Redis redis, MqProducer producer, Clock clock) {
        this.redis = redis;
        this.producer = producer;
        this.clock = clock;
    }

    @Override
    public void sent(long roomId) {
        try {
            long total = redis.sync().incr(KEY + roomId);
            byte[] event = StatEvent.newBuilder().setAid(roomId).setKind(StatEvent.Kind.DANMAKU).setValue(total)
                    .setEventTime(clock.millis()).build().toByteArray();
            producer.sendAsync(TOPIC, Long.toString(roomId), event, null).whenComplete((ok, err) -> {
                if (err != null) {
                    log.warn("danmaku count of room {} not sent to {}: {}", roomId, TOPIC, err.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("danmaku of room {} not counted: {}", roomId, e.toString());
        }
    }
}
