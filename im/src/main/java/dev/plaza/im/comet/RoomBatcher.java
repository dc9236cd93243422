package dev.plaza.im.comet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Gathers room messages per room for up to a delay or a count, then hands each batch over to be delivered. A busy
 * room then costs one packet (one compression for Bilibili clients) per batch instead of one per message.
 *
 * <p>Every batch is delivered on the one push thread, in the order the batches closed, so a room's messages keep
 * their order. A batch closes inside the map's per-room {@code compute}, which also submits it, so no later batch of
 * the room can be submitted first.
 */
final class RoomBatcher {
    /** One room message as the job sent it (goim operation and body). */
    record Message(int op, byte[] body) {
    }

    private static final class Batch {
        final List<Message> messages = new ArrayList<>();
    }

    private final ScheduledExecutorService pushThread;
    private final long delayNanos;
    private final int max;
    private final BiConsumer<String, List<Message>> deliver;
    private final ConcurrentHashMap<String, Batch> open = new ConcurrentHashMap<>();

    RoomBatcher(ScheduledExecutorService pushThread, Duration delay, int max,
                BiConsumer<String, List<Message>> deliver) {
        this.pushThread = pushThread;
        this.delayNanos = delay.toNanos();
        this.max = max;
        this.deliver = deliver;
    }

    /**
     * Several messages of a room at once (the job batched them already): with no delay they go out as one batch;
     * otherwise they join the room's open batch.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the push thread is shut down
     */
    void addAll(String room, List<Message> messages) {
        if (delayNanos == 0) {
            List<Message> batch = List.copyOf(messages);
            for (int from = 0; from < batch.size(); from += max) {
                List<Message> part = batch.subList(from, Math.min(batch.size(), from + max));
                pushThread.execute(() -> deliver.accept(room, part));
            }
            return;
        }
        messages.forEach(m -> add(room, m));
    }

    /** @throws java.util.concurrent.RejectedExecutionException once the push thread is shut down */
    void add(String room, Message message) {
        if (delayNanos == 0) {
            pushThread.execute(() -> deliver.accept(room, List.of(message)));
            return;
        }
        open.compute(room, (id, batch) -> {
            Batch b = batch;
            if (b == null) {
                b = new Batch();
                Batch timed = b;
                pushThread.schedule(() -> closeIfOpen(id, timed), delayNanos, TimeUnit.NANOSECONDS);
            }
            b.messages.add(message);
            if (b.messages.size() >= max) {
                Batch full = b;
                pushThread.execute(() -> deliver.accept(id, full.messages));
                return null;
            }
            return b;
        });
    }

    /** Sends every open batch now, without waiting for its delay (on shutdown). */
    void flushAll() {
        for (Map.Entry<String, Batch> e : open.entrySet()) {
            // on the push thread, behind the batches already submitted, to keep each room's order
            pushThread.execute(() -> closeIfOpen(e.getKey(), e.getValue()));
        }
    }

    private void closeIfOpen(String room, Batch batch) {
        // false when the batch filled up and went out already
        if (open.remove(room, batch)) {
            deliver.accept(room, batch.messages);
        }
    }
}
