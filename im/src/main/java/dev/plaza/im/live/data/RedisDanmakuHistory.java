package dev.plaza.im.live.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaza.im.live.biz.Danmaku;
import dev.plaza.im.live.biz.DanmakuHistoryRepo;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's last danmaku in Redis: list {@code im:dm:h:<room>}, oldest first, capped at {@code size} and expiring
 * {@code ttl} after the last send. Entries are compact JSON
 * ({@code {"id":..,"t":text,"u":mid,"n":nickname,"ts":ms,"m":mode,"f":fontsize,"c":color}}).
 */
public final class RedisDanmakuHistory implements DanmakuHistoryRepo {
    private static final Logger log = LoggerFactory.getLogger(RedisDanmakuHistory.class);
    static final String PREFIX = "im:dm:h:";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Append, trim and renew the expiry in one step, so the list never outgrows its cap. */
    private static final LuaScript APPEND = new LuaScript("""
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);

    private final Redis redis;
    private final int size;
    private final Duration ttl;

    public RedisDanmakuHistory(Redis redis, int size, Duration ttl) {
        if (size < 1 || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("size and ttl must be positive");
        }
        this.redis = redis;
        this.size = size;
        this.ttl = ttl;
    }

    static String key(long roomId) {
        return PREFIX + roomId;
    }

    @Override
    public void append(Danmaku d) {
        APPEND.run(redis.sync(), ScriptOutputType.INTEGER, new String[] {key(d.roomId())}, encode(d),
                Integer.toString(size), Long.toString(ttl.toMillis()));
    }

    @Override
    public List<Danmaku> recent(long roomId) {
        List<String> raw = redis.sync().lrange(key(roomId), -size, -1);
        List<Danmaku> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            try {
                out.add(decode(roomId, r));
            } catch (JsonProcessingException | RuntimeException e) {
                log.warn("skipping an unreadable danmaku entry in room {}", roomId, e);
            }
        }
        return out;
    }

    static String encode(Danmaku d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", d.id()).put("t", d.text()).put("u", d.mid()).put("n", d.nickname()).put("ts", d.tsMillis())
                .put("m", d.mode()).put("f", d.fontSize()).put("c", d.color());
        return n.toString();
    }

    static Danmaku decode(long roomId, String raw) throws JsonProcessingException {
        JsonNode n = JSON.readTree(raw);
        if (!n.isObject() || !n.hasNonNull("t") || !n.hasNonNull("u")) {
            throw new IllegalArgumentException("not a danmaku entry");
        }
        return new Danmaku(n.path("id").asText(""), roomId, n.get("u").asLong(), n.path("n").asText(""),
                n.get("t").asText(), n.path("m").asInt(1), n.path("f").asInt(25), n.path("c").asInt(0xFFFFFF),
                n.path("ts").asLong());
    }
}
