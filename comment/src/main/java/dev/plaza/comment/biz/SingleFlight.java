package dev.plaza.comment.biz;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Go's singleflight: concurrent calls with the same key share one execution. The first caller (the leader) runs the
 * work; callers arriving while it runs wait for its result (or its failure) instead of repeating it. Nothing is
 * remembered after the work ends: the next call runs again.
 */
public final class SingleFlight<K, V> {
    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /** The result of {@code work} run once for all concurrent callers of {@code key}. */
    public V run(K key, Supplier<V> work) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            return await(theirs);
        }
        try {
            V v = work.get();
            mine.complete(v);
            return v;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Keys being worked on now. */
    public int inFlight() {
        return inFlight.size();
    }

    private static <V> V await(CompletableFuture<V> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a shared call", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
