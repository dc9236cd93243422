package dev.plaza.history.data.redis;

import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryCache;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Pipelined;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The history cache in Redis: every report lands here first. Keys ({@code {mid}} is literal braces around the
 * user's mid, a Redis Cluster hash tag, so both keys of a user live in one slot and one script can update them):
 *
 * <pre>
 * h:r:{mid}   HASH   field = kid ({@code archive_170001}), value = {@code 1|cid|progress|viewAt|platform}
 *                    (see {@link RecordCodec})                                                  TTL ttl
 * h:z:{mid}   ZSET   member = kid, score = viewAt (Unix ms); at most cap members, the newest      TTL ttl
 * h:d:{mid}   HASH   field = kid, or {@code *} for a clear, value = when it was deleted (Unix ms)   TTL 1 day
 * </pre>
 *
 * <p>Both keys hold the same kids: one script per user writes a record only when it is at least as recent as the
 * stored one (the stored viewAt is its ZSET score, so the check needs no decoding), adds it to the ZSET, trims the
 * ZSET to the newest {@code cap} and deletes the trimmed kids from the hash, and refreshes both TTLs. A whole
 * {@link #putAll} batch is one round trip: the per-user scripts are pipelined. An older report arriving after a
 * newer one changes nothing; an equally recent one replaces the stored record (the later arrival wins, as
 * {@link HistoryRecord#isReplacedBy} says).
 *
 * <p>Lists are read newest first by ZSET score; records with the same viewAt come in descending kid order (Redis
 * orders equal scores by member). The cursor is a viewAt alone, so when a page ends inside a run of records with
 * the very same viewAt (same millisecond, same user), the next page ({@code beforeViewAt} = that viewAt, exclusive)
 * skips the rest of the run. Reports of one user are milliseconds apart in practice; a cursor that also carries the
 * kid would close the gap.
 */
public final class RedisHistoryCache implements HistoryCache {
    /**
     * @param cap how many records (the newest) each user's list keeps
     * @param ttl how long a user's keys live after their last write
     */
    /**
     * How long a delete is remembered: longer than a report can take from the merger through Kafka to the job (the
     * merge window, minutes, plus any backlog), so a report older than the delete is never written back.
     */
    public static final Duration TOMBSTONE_TTL = Duration.ofDays(1);

    public record Settings(int cap, Duration ttl) {
        public Settings {
            if (cap < 1) {
                throw new IllegalArgumentException("cap must be positive, was " + cap);
            }
            if (ttl == null || ttl.toMillis() < 1) {
                throw new IllegalArgumentException("ttl must be positive");
            }
        }

        /** The newest 1000 records per user, kept 30 days after the user's last report. */
        public static Settings defaults() {
            return new Settings(1000, Duration.ofDays(30));
        }
    }

    /*
     * The scripts pass at most 1000 members to one command: Lua's unpack() is bounded by the C stack (about 8000).
     *
     * KEYS[1] hash, KEYS[2] zset; ARGV[1] ttl ms, ARGV[2] cap, then kid, viewAt, value per record. Returns how many
     * records were written.
     */
    private static final LuaScript PUT = new LuaScript("""
            local n = 0
            for i = 3, #ARGV, 3 do
              local cur = redis.call('ZSCORE', KEYS[2], ARGV[i])
              if not cur or tonumber(cur) <= tonumber(ARGV[i + 1]) then
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
                redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
                n = n + 1
              end
            end
            local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
            if over > 0 then
              local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
              redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
              for j = 1, #old, 1000 do
                redis.call('HDEL', KEYS[1], unpack(old, j, math.min(j + 999, #old)))
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return n
            """);

    /**
     * KEYS[1] zset, KEYS[2] hash; ARGV[1] max score ('+inf' or '(viewAt'), ARGV[2] limit, ARGV[3] kid prefix or ''
     * for all, ARGV[4] how many zset members to look at at most. Returns kid, value, kid, value... newest first.
     * Walks the zset a chunk at a time until the page is full, so a business filter that matches few records
     * still fills its page.
     */
    private static final LuaScript LIST = new LuaScript("""
            local limit = tonumber(ARGV[2])
            local prefix = ARGV[3]
            local bound = tonumber(ARGV[4])
            local chunk = limit
            if prefix ~= '' then chunk = math.max(limit * 4, 100) end
            chunk = math.min(chunk, 1000)
            local out = {}
            local found = 0
            local offset = 0
            while found < limit and offset < bound do
              local take = math.min(chunk, bound - offset)
              local kids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', offset, take)
              local want = {}
              for _, k in ipairs(kids) do
                if prefix == '' or string.sub(k, 1, #prefix) == prefix then want[#want + 1] = k end
              end
              if #want > 0 then
                local vals = redis.call('HMGET', KEYS[2], unpack(want))
                for i = 1, #want do
                  if vals[i] and found < limit then
                    out[#out + 1] = want[i]
                    out[#out + 1] = vals[i]
                    found = found + 1
                  end
                end
              end
              if #kids < take then break end
              offset = offset + #kids
            end
            return out
            """);

    /**
     * KEYS[1] hash, KEYS[2] zset, KEYS[3] tombstones; ARGV[1] time of the delete, ARGV[2] tombstone ttl ms, ARGV[3..]
     * the kids to forget ({@code *} alone: all of them).
     */
    private static final LuaScript DELETE = new LuaScript("""
            if ARGV[3] == '*' then
              redis.call('DEL', KEYS[1], KEYS[2])
              redis.call('HSET', KEYS[3], '*', ARGV[1])
            else
              for j = 3, #ARGV, 1000 do
                local e = math.min(j + 999, #ARGV)
                redis.call('HDEL', KEYS[1], unpack(ARGV, j, e))
                redis.call('ZREM', KEYS[2], unpack(ARGV, j, e))
                for k = j, e do redis.call('HSET', KEYS[3], ARGV[k], ARGV[1]) end
              end
            end
            redis.call('PEXPIRE', KEYS[3], ARGV[2])
            return 1
            """);

    private final Redis redis;
    private final Settings settings;

    public RedisHistoryCache(Redis redis, Settings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    // ---- keys ----

    public static String recordsKey(long mid) {
        return "h:r:{" + mid + "}";
    }

    public static String timelineKey(long mid) {
        return "h:z:{" + mid + "}";
    }

    /** Tombstones: kid (or {@code *} for a clear) -> time of the delete; kept {@link #TOMBSTONE_TTL}. */
    public static String tombstonesKey(long mid) {
        return "h:d:{" + mid + "}";
    }

    private String[] keysOf(long mid) {
        return new String[]{recordsKey(mid), timelineKey(mid)};
    }

    private StatefulRedisConnection<String, String> connection() {
        return redis.sync().getStatefulConnection();
    }

    // ---- writes ----

    @Override
    public void putAll(Collection<HistoryRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // arrival order is kept within a user: of two equally recent records the later one wins
        Map<Long, List<HistoryRecord>> byMid = new LinkedHashMap<>();
        for (HistoryRecord r : records) {
            byMid.computeIfAbsent(r.mid(), m -> new ArrayList<>()).add(r);
        }
        String ttl = Long.toString(settings.ttl().toMillis());
        String cap = Integer.toString(settings.cap());
        List<LuaScript.Call> calls = new ArrayList<>(byMid.size());
        for (Map.Entry<Long, List<HistoryRecord>> e : byMid.entrySet()) {
            List<HistoryRecord> rs = e.getValue();
            String[] args = new String[2 + 3 * rs.size()];
            args[0] = ttl;
            args[1] = cap;
            int n = 2;
            for (HistoryRecord r : rs) {
                args[n++] = r.kid().toString();
                args[n++] = Long.toString(r.viewAt());
                args[n++] = RecordCodec.encode(r);
            }
            calls.add(new LuaScript.Call(keysOf(e.getKey()), args));
        }
        PUT.runPipelined(connection(), ScriptOutputType.INTEGER, calls);
    }

    @Override
    public void delete(long mid, Collection<Kid> kids, long at) {
        if (kids.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>();
        args.add(Long.toString(at));
        args.add(Long.toString(TOMBSTONE_TTL.toMillis()));
        kids.stream().map(Kid::toString).distinct().forEach(args::add);
        DELETE.run(redis.sync(), ScriptOutputType.INTEGER, deleteKeys(mid), args.toArray(String[]::new));
    }

    @Override
    public void clear(long mid, long at) {
        DELETE.run(redis.sync(), ScriptOutputType.INTEGER, deleteKeys(mid), Long.toString(at),
                Long.toString(TOMBSTONE_TTL.toMillis()), "*");
    }

    @Override
    public Map<HistoryKey, Long> deletedAt(Collection<HistoryKey> keys) {
        Map<Long, List<HistoryKey>> byMid = new LinkedHashMap<>();
        for (HistoryKey k : keys) {
            byMid.computeIfAbsent(k.mid(), m -> new ArrayList<>()).add(k);
        }
        RedisAsyncCommands<String, String> async = connection().async();
        List<io.lettuce.core.RedisFuture<Map<String, String>>> sent = new ArrayList<>();
        for (long mid : byMid.keySet()) {
            sent.add(async.hgetall(tombstonesKey(mid)));
        }
        long deadline = Pipelined.deadline(connection());
        Map<HistoryKey, Long> out = new HashMap<>();
        int n = 0;
        for (Map.Entry<Long, List<HistoryKey>> e : byMid.entrySet()) {
            Map<String, String> stones = Pipelined.get(sent.get(n++), deadline);
            if (stones.isEmpty()) {
                continue;
            }
            long all = Long.parseLong(stones.getOrDefault("*", "0"));
            for (HistoryKey k : e.getValue()) {
                long at = Math.max(all, Long.parseLong(stones.getOrDefault(k.kid().toString(), "0")));
                if (at > 0) {
                    out.put(k, at);
                }
            }
        }
        return out;
    }

    private String[] deleteKeys(long mid) {
        return new String[]{recordsKey(mid), timelineKey(mid), tombstonesKey(mid)};
    }

    // ---- reads ----

    @Override
    public Map<HistoryKey, HistoryRecord> latest(Collection<HistoryKey> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<Long, Set<Kid>> byMid = new LinkedHashMap<>();
        for (HistoryKey k : keys) {
            byMid.computeIfAbsent(k.mid(), m -> new LinkedHashSet<>()).add(k.kid());
        }
        // one HMGET per user, all sent before any answer is awaited: one round trip for the batch
        StatefulRedisConnection<String, String> c = connection();
        RedisAsyncCommands<String, String> async = c.async();
        List<RedisFuture<List<KeyValue<String, String>>>> sent = new ArrayList<>(byMid.size());
        for (Map.Entry<Long, Set<Kid>> e : byMid.entrySet()) {
            sent.add(async.hmget(recordsKey(e.getKey()),
                    e.getValue().stream().map(Kid::toString).toArray(String[]::new)));
        }
        long deadline = Pipelined.deadline(c);
        Map<HistoryKey, HistoryRecord> out = new HashMap<>();
        int n = 0;
        for (Map.Entry<Long, Set<Kid>> e : byMid.entrySet()) {
            for (KeyValue<String, String> kv : Pipelined.get(sent.get(n++), deadline)) {
                if (kv.hasValue()) {
                    HistoryKey key = new HistoryKey(e.getKey(), Kid.parse(kv.getKey()));
                    out.put(key, RecordCodec.decode(key, kv.getValue()));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<HistoryRecord> get(HistoryKey key) {
        String v = redis.sync().hget(recordsKey(key.mid()), key.kid().toString());
        return v == null ? Optional.empty() : Optional.of(RecordCodec.decode(key, v));
    }

    /**
     * Newest first, strictly before {@code beforeViewAt}; with a business, the zset is walked until the page is full
     * or at most {@code max(cap, limit)} members were looked at (the zset never holds more than the cap).
     */
    @Override
    public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
        if (beforeViewAt < 0) {
            throw new IllegalArgumentException("beforeViewAt must be 0 (newest) or a viewAt, was " + beforeViewAt);
        }
        if (limit <= 0) {
            return List.of();
        }
        String max = beforeViewAt == 0 ? "+inf" : "(" + beforeViewAt;
        String prefix = business == null ? "" : business.code() + "_";
        String bound = Integer.toString(Math.max(settings.cap(), limit));
        List<String> r = LIST.run(redis.sync(), ScriptOutputType.MULTI, new String[]{timelineKey(mid),
                recordsKey(mid)}, max, Integer.toString(limit), prefix, bound);
        List<HistoryRecord> out = new ArrayList<>(r.size() / 2);
        for (int n = 0; n + 1 < r.size(); n += 2) {
            HistoryKey key = new HistoryKey(mid, Kid.parse(r.get(n)));
            out.add(RecordCodec.decode(key, r.get(n + 1)));
        }
        return out;
    }

    @Override
    public int size(long mid) {
        return Math.toIntExact(redis.sync().zcard(timelineKey(mid)));
    }
}
