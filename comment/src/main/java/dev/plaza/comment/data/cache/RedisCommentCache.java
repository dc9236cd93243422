package dev.plaza.comment.data.cache;

import dev.plaza.comment.biz.CommentCache;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.redis.LuaScript;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The comment cache in Redis. Keys (type and oid are the subject's, sort is {@link Sort#code()}):
 *
 * <pre>
 * c:s:{type}:{oid}          HASH   the subject: o owner, f floor count, rc roots, ac all, st state, at attrs,
 *                                  tp top rpid, ct/mt ctime/mtime (Unix ms)                         TTL subjectTtl
 * c:i:{type}:{oid}:{sort}   ZSET   visible root rpids, read highest score first (IndexScores)        TTL indexTtl
 * c:r:{root}                ZSET   visible reply rpids of one root, score = floor, read lowest first  TTL indexTtl
 * c:c:{rpid}                STRING one comment (index row + content) as compact JSON               TTL replyTtl
 * </pre>
 *
 * <p>Every index holds a sentinel member {@code "0"} (score -inf in root indexes, +inf in reply indexes, so it sorts
 * last and pages skip it): an index that exists but has no comments is then still a key, and "cached and empty" is
 * told apart from "not cached". Appends ({@link #upsertRoot}, {@link #appendReply}) run one Lua script that sets
 * the TTL and adds only where the key exists (PEXPIRE returns 0 for a missing key), so a write never creates a
 * partial index. Rebuilds fill a temporary key and RENAME it over the index, so readers see the old index or the
 * whole new one. {@link #putSubject} keeps the entry with the newer mtime, so a reader that read the tables just
 * before the job's update cannot put the older subject back over the job's.
 */
public final class RedisCommentCache implements CommentCache {
    /**
     * @param subjectTtl lifetime of subject entries
     * @param indexTtl   lifetime of sorted-set indexes (appends extend it)
     * @param replyTtl   lifetime of comment entries
     */
    public record Settings(Duration subjectTtl, Duration indexTtl, Duration replyTtl) {
        public Settings {
            for (Duration d : new Duration[]{subjectTtl, indexTtl, replyTtl}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("cache TTLs must be positive");
                }
            }
        }

        /** An hour for everything. */
        public static Settings defaults() {
            return new Settings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
        }
    }

    static final String SENTINEL = "0";
    private static final int CHUNK = 500;

    /** KEYS[1] index; ARGV start, stop, 'desc'|'asc'. First element "1" when the index exists, then the members. */
    private static final LuaScript PAGE = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'0'} end
            local r
            if ARGV[3] == 'desc' then r = redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2])
            else r = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2]) end
            table.insert(r, 1, '1')
            return r
            """);

    /** KEYS indexes; ARGV[1] ttl ms, ARGV[2] member, ARGV[2+i] score in KEYS[i]. Adds only to indexes that exist. */
    private static final LuaScript APPEND = new LuaScript("""
            local n = 0
            for i, k in ipairs(KEYS) do
              if redis.call('PEXPIRE', k, ARGV[1]) == 1 then
                redis.call('ZADD', k, ARGV[i + 2], ARGV[2])
                n = n + 1
              end
            end
            return n
            """);

    /** KEYS[1] subject; ARGV[1] ttl ms, ARGV[2] mtime, then field/value pairs. Keeps the newer mtime. */
    private static final LuaScript PUT_SUBJECT = new LuaScript("""
            local cur = redis.call('HGET', KEYS[1], 'mt')
            if cur and tonumber(cur) > tonumber(ARGV[2]) then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /** KEYS entries; ARGV[1] ttl ms, ARGV[1+i] value of KEYS[i]. */
    private static final LuaScript PUT_ALL = new LuaScript("""
            for i, k in ipairs(KEYS) do
              redis.call('SET', k, ARGV[i + 1], 'PX', ARGV[1])
            end
            return #KEYS
            """);

    /** KEYS[1..n-1] indexes to take ARGV[1] out of; KEYS[n] a key to delete (a root's reply index) or none. */
    private static final LuaScript REMOVE = new LuaScript("""
            for i, k in ipairs(KEYS) do
              if i == #KEYS and ARGV[2] == 'del' then redis.call('DEL', k)
              else redis.call('ZREM', k, ARGV[1]) end
            end
            return 1
            """);

    private final Redis redis;
    private final Settings settings;

    public RedisCommentCache(Redis redis, Settings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    // ---- keys ----

    public static String subjectKey(SubjectKey key) {
        return "c:s:" + key.type() + ":" + key.oid();
    }

    public static String rootIndexKey(SubjectKey key, Sort sort) {
        return "c:i:" + key.type() + ":" + key.oid() + ":" + sort.code();
    }

    public static String replyIndexKey(long root) {
        return "c:r:" + root;
    }

    public static String replyKey(long rpid) {
        return "c:c:" + rpid;
    }

    private RedisCommands<String, String> sync() {
        return redis.sync();
    }

    // ---- subjects ----

    @Override
    public Optional<Subject> subject(SubjectKey key) {
        Map<String, String> h = sync().hgetall(subjectKey(key));
        if (h == null || h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Subject(key, l(h, "o"), i(h, "f"), i(h, "rc"), i(h, "ac"), i(h, "st"), i(h, "at"),
                l(h, "tp"), instant(h, "ct"), instant(h, "mt")));
    }

    @Override
    public void putSubject(Subject s) {
        long mtime = s.mtime() == null ? 0 : s.mtime().toEpochMilli();
        String[] args = {
                Long.toString(settings.subjectTtl().toMillis()), Long.toString(mtime),
                "o", Long.toString(s.ownerMid()), "f", Integer.toString(s.floorCount()),
                "rc", Integer.toString(s.rootCount()), "ac", Integer.toString(s.allCount()),
                "st", Integer.toString(s.state()), "at", Integer.toString(s.attrs()),
                "tp", Long.toString(s.topRpid()),
                "ct", Long.toString(s.ctime() == null ? 0 : s.ctime().toEpochMilli()), "mt", Long.toString(mtime)};
        PUT_SUBJECT.run(sync(), ScriptOutputType.INTEGER, new String[]{subjectKey(s.key())}, args);
    }

    @Override
    public void evictSubject(SubjectKey key) {
        sync().del(subjectKey(key));
    }

    // ---- indexes ----

    @Override
    public Optional<List<Long>> rootPage(SubjectKey key, Sort sort, int offset, int limit) {
        return page(rootIndexKey(key, sort), offset, limit, "desc");
    }

    @Override
    public Optional<List<Long>> replyPage(SubjectKey key, long root, int offset, int limit) {
        return page(replyIndexKey(root), offset, limit, "asc");
    }

    private Optional<List<Long>> page(String index, int offset, int limit, String order) {
        if (limit <= 0) {
            return Optional.of(List.of());
        }
        List<String> r = PAGE.run(sync(), ScriptOutputType.MULTI, new String[]{index}, Integer.toString(offset),
                Integer.toString(offset + limit - 1), order);
        if (r == null || r.isEmpty() || !"1".equals(r.get(0))) {
            return Optional.empty();
        }
        List<Long> ids = new ArrayList<>(r.size() - 1);
        for (int n = 1; n < r.size(); n++) {
            String m = r.get(n);
            if (!SENTINEL.equals(m)) {
                ids.add(Long.parseLong(m));
            }
        }
        return Optional.of(ids);
    }

    @Override
    public void rebuildRoots(SubjectKey key, Sort sort, List<Scored> entries) {
        replace(rootIndexKey(key, sort), entries, Double.NEGATIVE_INFINITY);
    }

    @Override
    public void rebuildReplies(SubjectKey key, long root, List<Scored> entries) {
        replace(replyIndexKey(root), entries, Double.POSITIVE_INFINITY);
    }

    /** Fills a temporary key (sentinel first, TTL at once) and renames it over the index in one step. */
    private void replace(String index, List<Scored> entries, double sentinelScore) {
        String tmp = index + ":tmp:" + UUID.randomUUID();
        RedisCommands<String, String> r = sync();
        r.zadd(tmp, sentinelScore, SENTINEL);
        r.pexpire(tmp, settings.indexTtl().toMillis());
        for (int from = 0; from < entries.size(); from += CHUNK) {
            List<Scored> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
            Object[] scoresAndValues = new Object[chunk.size() * 2];
            for (int n = 0; n < chunk.size(); n++) {
                scoresAndValues[2 * n] = chunk.get(n).score();
                scoresAndValues[2 * n + 1] = Long.toString(chunk.get(n).rpid());
            }
            r.zadd(tmp, scoresAndValues);
        }
        r.rename(tmp, index);
    }

    @Override
    public void upsertRoot(ReplyIndex root) {
        Sort[] sorts = Sort.values();
        String[] keys = new String[sorts.length];
        String[] args = new String[sorts.length + 2];
        args[0] = Long.toString(settings.indexTtl().toMillis());
        args[1] = Long.toString(root.rpid());
        for (int n = 0; n < sorts.length; n++) {
            keys[n] = rootIndexKey(root.key(), sorts[n]);
            args[n + 2] = Double.toString(IndexScores.root(sorts[n], root));
        }
        APPEND.run(sync(), ScriptOutputType.INTEGER, keys, args);
    }

    @Override
    public void appendReply(ReplyIndex reply) {
        if (reply.isRoot()) {
            throw new IllegalArgumentException("comment " + reply.rpid() + " is a root, not a reply");
        }
        APPEND.run(sync(), ScriptOutputType.INTEGER, new String[]{replyIndexKey(reply.root())},
                Long.toString(settings.indexTtl().toMillis()), Long.toString(reply.rpid()),
                Double.toString(IndexScores.reply(reply)));
    }

    @Override
    public void remove(ReplyIndex reply) {
        String member = Long.toString(reply.rpid());
        if (reply.isRoot()) {
            Sort[] sorts = Sort.values();
            String[] keys = new String[sorts.length + 1];
            for (int n = 0; n < sorts.length; n++) {
                keys[n] = rootIndexKey(reply.key(), sorts[n]);
            }
            keys[sorts.length] = replyIndexKey(reply.rpid()); // its replies go with it
            REMOVE.run(sync(), ScriptOutputType.INTEGER, keys, member, "del");
        } else {
            REMOVE.run(sync(), ScriptOutputType.INTEGER, new String[]{replyIndexKey(reply.root())}, member, "keep");
        }
    }

    // ---- comment entries ----

    @Override
    public Map<Long, Reply> replies(Collection<Long> rpids) {
        if (rpids.isEmpty()) {
            return Map.of();
        }
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(rpids));
        String[] keys = new String[ids.size()];
        for (int n = 0; n < keys.length; n++) {
            keys[n] = replyKey(ids.get(n));
        }
        Map<Long, Reply> out = new HashMap<>();
        for (KeyValue<String, String> kv : sync().mget(keys)) {
            if (kv.hasValue()) {
                Reply r = ReplyCodec.decode(kv.getValue());
                out.put(r.rpid(), r);
            }
        }
        return out;
    }

    @Override
    public void putReplies(Collection<Reply> replies) {
        if (replies.isEmpty()) {
            return;
        }
        String[] keys = new String[replies.size()];
        String[] args = new String[replies.size() + 1];
        args[0] = Long.toString(settings.replyTtl().toMillis());
        int n = 0;
        for (Reply r : replies) {
            keys[n] = replyKey(r.rpid());
            args[n + 1] = ReplyCodec.encode(r);
            n++;
        }
        PUT_ALL.run(sync(), ScriptOutputType.INTEGER, keys, args);
    }

    @Override
    public void evictReply(long rpid) {
        sync().del(replyKey(rpid));
    }

    private static long l(Map<String, String> h, String f) {
        String v = h.get(f);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static int i(Map<String, String> h, String f) {
        String v = h.get(f);
        return v == null ? 0 : Integer.parseInt(v);
    }

    private static Instant instant(Map<String, String> h, String f) {
        long ms = l(h, f);
        return ms == 0 ? null : Instant.ofEpochMilli(ms);
    }
}
