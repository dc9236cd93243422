package dev.plaza.im.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gathers a room's messages into batches (goim's job/room.go): a room's first message opens a batch, which is sent
 * when it holds {@code maxMessages} messages or {@code window} after it opened, whichever comes first; a message
 * with another op than the open batch's closes it first (a batch carries one op). Batches of one room are sent one
 * after another, in the order their messages came, so a room's messages stay in order; different rooms are sent in
 * parallel.
 *
 * <p>{@link #add} answers a future that completes once the message's batch was sent (or failed): the job returns
 * from its Kafka handler only after that, so an offset is committed only for messages the comets got.
 */
final class RoomBatcher implements AutoCloseable {
    /** One room's messages of one op, in order. */
    record Batch(String room, int op, List<byte[]> bodies) {
    }

    /** Sends one batch; throws only when it could not be sent at all (the job stopping). */
    @FunctionalInterface
    interface Sender {
        void send(Batch batch) throws Exception;
    }

    /**
     * @param window      longest a message waits for others of its room (zero: only those already waiting join it)
     * @param maxMessages messages per batch at most
     */
    record Settings(Duration window, int maxMessages) {
        Settings {
            if (window == null || window.isNegative() || maxMessages < 1) {
                throw new IllegalArgumentException("window must not be negative, maxMessages must be positive");
            }
        }
    }

    /** A batch still taking messages. */
    private static final class Open {
        final String room;
        final int op;
        final List<byte[]> bodies = new ArrayList<>();
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        Open(String room, int op) {
            this.room = room;
            this.op = op;
        }
    }

    private final Settings settings;
    private final Sender sender;
    private final Object lock = new Object();
    private final Map<String, Open> open = new HashMap<>();
    /** The last batch handed out per room: the next one of the room is sent after it. */
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("im-job-room-timer").factory());
    /** Sending waits on comets (the network): a virtual thread per batch. */
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("im-job-room-", 0).factory());
    private boolean closed;

    RoomBatcher(Settings settings, Sender sender) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * Adds a message to its room's open batch.
     *
     * @return completes when the batch holding the message was sent; exceptionally when it could not be
     */
    CompletableFuture<Void> add(String room, int op, byte[] body) {
        List<Open> full = new ArrayList<>(2);
        CompletableFuture<Void> sent;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the room batcher is closed"));
            }
            Open b = open.get(room);
            if (b != null && b.op != op) {
                full.add(detach(b));
                b = null;
            }
            if (b == null) {
                Open created = new Open(room, op);
                open.put(room, created);
                created.timer = timers.schedule(() -> expire(created), settings.window().toNanos(),
                        TimeUnit.NANOSECONDS);
                b = created;
            }
            b.bodies.add(body);
            sent = b.sent;
            if (b.bodies.size() >= settings.maxMessages()) {
                full.add(detach(b));
            }
            full.forEach(this::chain);
        }
        return sent;
    }

    /** Messages waiting in open batches (for tests and metrics). */
    int waiting() {
        synchronized (lock) {
            return open.values().stream().mapToInt(b -> b.bodies.size()).sum();
        }
    }

    private void expire(Open b) {
        synchronized (lock) {
            if (open.get(b.room) == b) {
                chain(detach(b));
            }
        }
    }

    /** Closes the batch to new messages (caller holds the lock). */
    private Open detach(Open b) {
        open.remove(b.room, b);
        if (b.timer != null) {
            b.timer.cancel(false);
        }
        return b;
    }

    /** Queues the batch behind the room's previous one (caller holds the lock, so tails stay in add order). */
    private void chain(Open b) {
        Batch batch = new Batch(b.room, b.op, List.copyOf(b.bodies));
        CompletableFuture<Void> previous = tails.getOrDefault(b.room, CompletableFuture.completedFuture(null));
        // the previous batch's outcome does not matter to this one: it is sent after it either way
        CompletableFuture<Void> mine = previous.handle((ok, failed) -> null).thenRunAsync(() -> {
            try {
                sender.send(batch);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, senders).whenComplete((ok, failed) -> {
            if (failed == null) {
                b.sent.complete(null);
            } else {
                b.sent.completeExceptionally(failed instanceof CompletionException && failed.getCause() != null
                        ? failed.getCause() : failed);
            }
        });
        tails.put(b.room, mine);
        mine.whenComplete((ok, failed) -> {
            synchronized (lock) {
                tails.remove(b.room, mine);
            }
        });
    }

    /** Sends what is waiting, waits for the batches in flight (up to {@code timeout}), then stops. */
    void close(Duration timeout) {
        List<CompletableFuture<Void>> inFlight;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            new ArrayList<>(open.values()).forEach(b -> chain(detach(b)));
            inFlight = new ArrayList<>(tails.values());
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // failed or late batches fail their messages' futures; their records are not committed
        }
        timers.shutdownNow();
        senders.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
