package dev.plaza.kit.redis;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for commands pipelined on the shared connection: issued (or dispatched as one batch) before waiting for
 * any answer, they cost one round trip. Auto-flush is left on: the connection is shared, and turning it off would
 * stall every other caller.
 */
public final class Pipelined {
    private Pipelined() {
    }

    /** When a batch sent now must have been answered: the connection's command timeout from now. */
    public static long deadline(StatefulRedisConnection<String, String> connection) {
        return System.nanoTime() + connection.getTimeout().toNanos();
    }

    /** The future's value, or the exception Redis answered with (as the sync API would have thrown it). */
    public static <T> T get(RedisFuture<T> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RedisException(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new RedisCommandTimeoutException("pipelined command timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        }
    }
}
