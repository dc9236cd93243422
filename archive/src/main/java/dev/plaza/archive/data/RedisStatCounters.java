package dev.plaza.archive.data;

import dev.plaza.archive.biz.ArchiveStat;
import dev.plaza.archive.biz.StatCounters;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.KeyValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video's counters as plain Redis strings, shared by every archive instance: {@code arc:view:<aid>} (INCR on each
 * view), {@code arc:reply:<aid>} and {@code arc:dm:<aid>} (the totals the comment and im systems report, SET). One
 * MGET reads a page's counters. Redis is the only store of the play counts for now: a flushed Redis starts them at
 * 0 again, which a play counter can live with (the other two come back with the next comment or danmaku); a later
 * job may fold them into the database. When Redis fails the view still renders, with 0s.
 */
public final class RedisStatCounters implements StatCounters {
    private static final Logger log = LoggerFactory.getLogger(RedisStatCounters.class);
    public static final String VIEW = "arc:view:";
    public static final String REPLY = "arc:reply:";
    public static final String DANMAKU = "arc:dm:";

    private final Redis redis;

    public RedisStatCounters(Redis redis) {
        this.redis = redis;
    }

    @Override
    public long incrementViews(long aid) {
        try {
            return redis.sync().incr(VIEW + aid);
        } catch (RuntimeException e) {
            log.warn("view counter unavailable, showing 0 plays for {}: {}", aid, e.toString());
            return 0;
        }
    }

    @Override
    public void set(long aid, Kind kind, long value) {
        // a failure propagates: the stat consumer retries the event rather than lose the newest total
        redis.sync().set(prefix(kind) + aid, Long.toString(value));
    }

    @Override
    public Map<Long, ArchiveStat> stats(Collection<Long> aids) {
        if (aids.isEmpty()) {
            return Map.of();
        }
        List<Long> ids = List.copyOf(aids);
        String[] keys = new String[ids.size() * 3];
        for (int i = 0; i < ids.size(); i++) {
            keys[3 * i] = VIEW + ids.get(i);
            keys[3 * i + 1] = REPLY + ids.get(i);
            keys[3 * i + 2] = DANMAKU + ids.get(i);
        }
        Map<Long, ArchiveStat> out = new HashMap<>();
        try {
            List<KeyValue<String, String>> values = redis.sync().mget(keys);
            for (int i = 0; i < ids.size(); i++) {
                long aid = ids.get(i);
                out.put(aid, ArchiveStat.of(aid, number(values.get(3 * i)), number(values.get(3 * i + 1)),
                        number(values.get(3 * i + 2))));
            }
        } catch (RuntimeException e) {
            log.warn("stat counters unavailable, showing 0s: {}", e.toString());
        }
        return out;
    }

    private static String prefix(Kind kind) {
        return switch (kind) {
            case REPLY -> REPLY;
            case DANMAKU -> DANMAKU;
        };
    }

    private static long number(KeyValue<String, String> kv) {
        if (!kv.hasValue()) {
            return 0;
        }
        try {
            return Long.parseLong(kv.getValue());
        } catch (NumberFormatException e) {
            return 0; // someone else's junk under our key: show nothing rather than fail the page
        }
    }
}
