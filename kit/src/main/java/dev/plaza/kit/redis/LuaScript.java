package dev.plaza.kit.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
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

    /** What Lettuce would parse a script's answer of this type into (its own mapping is not public). */
    private static CommandOutput<String, String, ?> output(ScriptOutputType type) {
        return switch (type) {
            case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            case STATUS -> new StatusOutput<>(StringCodec.UTF8);
            case VALUE -> new ValueOutput<>(StringCodec.UTF8);
            case MULTI, OBJECT -> new NestedMultiOutput<>(StringCodec.UTF8);
        };
    }

    public <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, args);
        }
    }

    /**
     * Runs every call, written to the shared connection in one go (one write for the whole batch, not one per call,
     * and one round trip); results in the order of {@code calls}. Calls the server did not know the script for are
     * sent again with the source (a second round trip, only after a restart).
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> runPipelined(StatefulRedisConnection<String, String> connection, ScriptOutputType type,
                             List<Call> calls) {
        RedisAsyncCommands<String, String> async = connection.async();
        List<RedisFuture<T>> sent = new ArrayList<>(calls.size());
        List<AsyncCommand<String, String, ?>> batch = new ArrayList<>(calls.size());
        for (Call c : calls) {
            CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add(sha).add(c.keys().length)
                    .addKeys(c.keys()).addValues(c.args());
            AsyncCommand<String, String, T> cmd = new AsyncCommand<>(new Command<>(CommandType.EVALSHA,
                    (CommandOutput<String, String, T>) output(type), args));
            batch.add(cmd);
            sent.add(cmd);
        }
        connection.dispatch(batch);
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
