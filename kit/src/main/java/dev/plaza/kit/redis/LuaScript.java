package dev.plaza.kit.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA (EVALSHA), sent whole once when the server does not know it (after a restart or a
 * SCRIPT FLUSH). A server that answers NOSCRIPT has not run the script, so sending it again is safe.
 */
public final class LuaScript {
    /** One run of a script: its keys and arguments. */
    public record Call(String[] keys, String[] args) {
    }

    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, args);
        }
    }

    /**
     * Runs every call, sent back to back on the shared connection so the batch costs one round trip, not one per
     * call; results in the order of {@code calls}. Calls the server did not know the script for are sent again
     * with the source (a second round trip, only after a restart).
     */
    public <T> List<T> runPipelined(StatefulRedisConnection<String, String> connection, ScriptOutputType type,
                             List<Call> calls) {
        RedisAsyncCommands<String, String> async = connection.async();
        List<RedisFuture<T>> sent = new ArrayList<>(calls.size());
        for (Call c : calls) {
            sent.add(async.evalsha(sha, type, c.keys(), c.args()));
        }
        long deadline = Pipelined.deadline(connection);
        List<T> out = new ArrayList<>(calls.size());
        List<Integer> unknown = new ArrayList<>();
        for (int n = 0; n < sent.size(); n++) {
            try {
                out.add(Pipelined.get(sent.get(n), deadline));
            } catch (RedisNoScriptException e) {
                out.add(null);
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            List<RedisFuture<T>> again = new ArrayList<>(unknown.size());
            for (int n : unknown) {
                again.add(async.eval(source, type, calls.get(n).keys(), calls.get(n).args()));
            }
            deadline = Pipelined.deadline(connection);
            for (int i = 0; i < unknown.size(); i++) {
                out.set(unknown.get(i), Pipelined.get(again.get(i), deadline));
            }
        }
        return out;
    }
}
