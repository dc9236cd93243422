package dev.plaza.kit.batch;

import dev.plaza.kit.errors.PlazaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Group commit. Concurrent callers each hand in one item and wait; one writer thread takes everything queued (up
 * to {@code maxBatch}) and writes it in one call, then wakes the callers of that batch with its outcome. While one
 * batch is written the next one fills, so the writes (round trips, syscalls, wake-ups) per item fall as load
 * rises; a lone caller waits for nothing but its own write.
 *
 * <p>A caller returns only after its item was written, so what it acknowledges is stored, exactly as with a direct
 * write. The queue is bounded: when {@code maxQueued} callers already wait, the next one is refused at once with
 * -503 instead of queueing behind a stalled writer.
 */
public final class WriteCoalescer<T> implements AutoCloseable {
    private record Pending<T>(T item, CompletableFuture<Void> done) {
    }

    /** Counters since start: batches written and the items they carried (their ratio is the batching gained). */
    public record Stats(long batches, long items, long refused) {
    }

    private final String name;
    private final int maxBatch;
    private final Consumer<List<T>> writer;
    private final BlockingQueue<Pending<T>> queue;
    private final LongAdder batches = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean exited;

    /**
     * @param maxBatch  items per write at most
     * @param maxQueued callers that may wait at once; more are refused with -503
     * @param writer    writes one batch, in the order the items came; throws to fail every caller of the batch
     */
    public WriteCoalescer(String name, int maxBatch, int maxQueued, Consumer<List<T>> writer) {
        if (maxBatch < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("maxBatch and maxQueued must be positive");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxBatch = maxBatch;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.thread = Thread.ofPlatform().daemon().name("coalesce-" + name).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /**
     * Writes {@code item} with whatever else is waiting and returns once it is written.
     *
     * @throws PlazaError -503 when too many callers wait, or when closed
     * @throws RuntimeException what the writer threw for this item's batch
     */
    public void write(T item) {
        if (closed) {
            throw PlazaError.overloaded("STOPPING", name + " is stopping");
        }
        Pending<T> p = new Pending<>(item, new CompletableFuture<>());
        if (!queue.offer(p)) {
            refused.increment();
            throw PlazaError.overloaded("WRITES_BACKED_UP", name + ": too many writes waiting");
        }
        if (exited && queue.remove(p)) {
            // queued after the writer's last look: it will never be written
            throw PlazaError.overloaded("STOPPING", name + " is stopping");
        }
        try {
            p.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Callers waiting for the writer to take their item. */
    public int queued() {
        return queue.size();
    }

    public Stats stats() {
        return new Stats(batches.sum(), items.sum(), refused.sum());
    }

    private void run() {
        List<Pending<T>> batch = new ArrayList<>(maxBatch);
        List<T> values = new ArrayList<>(maxBatch);
        while (true) {
            Pending<T> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closed) {
                    exited = true;
                    if (queue.isEmpty()) {
                        return;
                    }
                    exited = false; // came in while closing: write them first
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            for (Pending<T> p : batch) {
                values.add(p.item());
            }
            RuntimeException failure = null;
            try {
                writer.accept(values);
            } catch (RuntimeException e) {
                failure = e;
            }
            batches.increment();
            items.add(batch.size());
            for (Pending<T> p : batch) {
                if (failure == null) {
                    p.done().complete(null);
                } else {
                    p.done().completeExceptionally(failure);
                }
            }
            batch.clear();
            values.clear();
        }
    }

    /**
     * Refuses new items, writes what is queued, and stops the writer (waiting up to 10 s for it). The writer is not
     * interrupted: a batch being written finishes.
     */
    @Override
    public void close() {
        closed = true;
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
