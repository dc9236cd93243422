package dev.plaza.im.logic.data.redis;

import dev.plaza.im.logic.biz.Route;
import dev.plaza.im.logic.biz.RouteRepo;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Pipelined;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing table in Redis, laid out like goim's dao/redis.go:
 *
 * <ul>
 *   <li>{@code im:mid:<mid>}: hash {@code key -> server}, the connections of one user (not kept for mid 0);</li>
 *   <li>{@code im:key:<key>}: string {@code server}, the comet holding one connection.</li>
 * </ul>
 *
 * Both expire after the route ttl unless a heartbeat renews them. Every script touches one key only and the commands
 * of one call are pipelined on the shared connection (one round trip), so the layout also works on Redis Cluster.
 */
public final class RedisRouteRepo implements RouteRepo {
    static final String MID_PREFIX = "im:mid:";
    static final String KEY_PREFIX = "im:key:";

    /** Adds (or re-adds) one connection to a user's hash and restarts the hash's expiry, atomically. */
    private static final LuaScript PUT_MID = new LuaScript("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return 1
            """);
    /** Deletes a key's route only while it still names this comet (a confused comet cannot drop another's route). */
    private static final LuaScript DEL_KEY = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private final Redis redis;

    public RedisRouteRepo(Redis redis) {
        this.redis = redis;
    }

    static String midKey(long mid) {
        return MID_PREFIX + mid;
    }

    static String keyKey(String key) {
        return KEY_PREFIX + key;
    }

    @Override
    public void add(Route route, Duration ttl) {
        put(route, ttl);
    }

    @Override
    public boolean renew(Route route, Duration ttl) {
        // goim expires both entries and re-adds them when one was gone; writing them again does both in one trip
        return put(route, ttl) != null;
    }

    /** Writes both entries; answers the key's previous server (null when it had none). */
    private String put(Route route, Duration ttl) {
        StatefulRedisConnection<String, String> c = connection();
        RedisFuture<String> previous = c.async().setGet(keyKey(route.key()), route.server(),
                SetArgs.Builder.ex(ttl.toSeconds()));
        if (route.mid() > 0) {
            PUT_MID.runPipelined(c, ScriptOutputType.INTEGER, List.of(new LuaScript.Call(
                    new String[] {midKey(route.mid())},
                    new String[] {route.key(), route.server(), Long.toString(ttl.toSeconds())})));
        }
        return Pipelined.get(previous, Pipelined.deadline(c));
    }

    @Override
    public boolean remove(Route route) {
        StatefulRedisConnection<String, String> c = connection();
        RedisFuture<Long> fromMid = route.mid() > 0 ? c.async().hdel(midKey(route.mid()), route.key()) : null;
        List<Long> deleted = DEL_KEY.runPipelined(c, ScriptOutputType.INTEGER, List.of(new LuaScript.Call(
                new String[] {keyKey(route.key())}, new String[] {route.server()})));
        if (fromMid != null) {
            Pipelined.get(fromMid, Pipelined.deadline(c));
        }
        return deleted.getFirst() == 1L;
    }

    @Override
    public Map<String, String> serversOfKeys(Collection<String> keys) {
        StatefulRedisConnection<String, String> c = connection();
        RedisAsyncCommands<String, String> async = c.async();
        List<String> asked = new ArrayList<>(keys);
        List<RedisFuture<String>> sent = new ArrayList<>(asked.size());
        for (String k : asked) {
            sent.add(async.get(keyKey(k)));
        }
        long deadline = Pipelined.deadline(c);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < asked.size(); i++) {
            String server = Pipelined.get(sent.get(i), deadline);
            if (server != null) {
                out.put(asked.get(i), server);
            }
        }
        return out;
    }

    @Override
    public Map<String, String> keysOfMids(Collection<Long> mids) {
        StatefulRedisConnection<String, String> c = connection();
        RedisAsyncCommands<String, String> async = c.async();
        List<RedisFuture<Map<String, String>>> sent = new ArrayList<>(mids.size());
        for (long mid : mids) {
            sent.add(async.hgetall(midKey(mid)));
        }
        long deadline = Pipelined.deadline(c);
        Map<String, String> out = new LinkedHashMap<>();
        for (RedisFuture<Map<String, String>> f : sent) {
            out.putAll(Pipelined.get(f, deadline));
        }
        return out;
    }

    private StatefulRedisConnection<String, String> connection() {
        return redis.sync().getStatefulConnection();
    }
}
