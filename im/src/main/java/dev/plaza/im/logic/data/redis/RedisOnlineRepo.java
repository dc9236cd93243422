package dev.plaza.im.logic.data.redis;

import dev.plaza.im.logic.biz.OnlineRepo;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Pipelined;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online counts in Redis:
 *
 * <ul>
 *   <li>{@code im:ol:<server>}: hash {@code room -> count}, one comet's latest report, expiring after the online
 *   ttl (replaced whole on each renewal, so rooms that emptied disappear);</li>
 *   <li>{@code im:online:servers}: sorted set of the comets that reported, scored by when their report expires.
 *   goim finds the comets through discovery; here the set is the list, so logic needs no discovery to sum.</li>
 * </ul>
 */
public final class RedisOnlineRepo implements OnlineRepo {
    private static final Logger log = LoggerFactory.getLogger(RedisOnlineRepo.class);
    static final String PREFIX = "im:ol:";
    static final String SERVERS = "im:online:servers";

    /** Replaces one comet's counts and restarts their expiry, atomically (readers never see a half-written hash). */
    private static final LuaScript REPLACE = new LuaScript("""
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            if #ARGV > 1 then
              redis.call('EXPIRE', KEYS[1], ARGV[1])
            end
            return 1
            """);

    private final Redis redis;
    private final Clock clock;

    public RedisOnlineRepo(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    static String serverKey(String server) {
        return PREFIX + server;
    }

    @Override
    public void put(String server, Map<String, Integer> rooms, Duration ttl) {
        String[] args = new String[1 + rooms.size() * 2];
        args[0] = Long.toString(ttl.toSeconds());
        int i = 1;
        for (Map.Entry<String, Integer> e : rooms.entrySet()) {
            args[i++] = e.getKey();
            args[i++] = Integer.toString(e.getValue());
        }
        StatefulRedisConnection<String, String> c = connection();
        RedisAsyncCommands<String, String> async = c.async();
        long expiresAt = clock.millis() + ttl.toMillis();
        RedisFuture<Long> listed = async.zadd(SERVERS, (double) expiresAt, server);
        RedisFuture<Boolean> kept = async.pexpire(SERVERS, ttl.toMillis() * 2);
        REPLACE.runPipelined(c, ScriptOutputType.INTEGER,
                List.of(new LuaScript.Call(new String[] {serverKey(server)}, args)));
        long deadline = Pipelined.deadline(c);
        Pipelined.get(listed, deadline);
        Pipelined.get(kept, deadline);
    }

    @Override
    public Map<String, Map<String, Integer>> all() {
        StatefulRedisConnection<String, String> c = connection();
        RedisAsyncCommands<String, String> async = c.async();
        long now = clock.millis();
        RedisFuture<Long> pruned = async.zremrangebyscore(SERVERS, Range.create(Double.NEGATIVE_INFINITY, (double) now));
        RedisFuture<List<String>> live = async.zrangebyscore(SERVERS, Range.create((double) now, Double.POSITIVE_INFINITY));
        long deadline = Pipelined.deadline(c);
        Pipelined.get(pruned, deadline);
        List<String> servers = Pipelined.get(live, deadline);
        List<RedisFuture<Map<String, String>>> sent = new ArrayList<>(servers.size());
        for (String s : servers) {
            sent.add(async.hgetall(serverKey(s)));
        }
        deadline = Pipelined.deadline(c);
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            Map<String, Integer> counts = new HashMap<>();
            Pipelined.get(sent.get(i), deadline).forEach((room, n) -> {
                try {
                    counts.put(room, Integer.parseInt(n));
                } catch (NumberFormatException e) {
                    log.warn("online count of room {} on {} is not a number: {}", room, server, n);
                }
            });
            out.put(server, counts);
        }
        return out;
    }

    private StatefulRedisConnection<String, String> connection() {
        return redis.sync().getStatefulConnection();
    }
}
