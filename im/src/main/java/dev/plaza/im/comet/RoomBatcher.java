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

    /** Sends every open batch now (on shutdown). */
    void flushAll() {
        for (Map.Entry<String, Batch> e : open.entrySet()) {
            closeIfOpen(e.getKey(), e.getValue());
        }
    }

    private void closeIfOpen(String room, Batch batch) {
        // false when the batch filled up and went out already
        if (open.remove(room, batch)) {
            deliver.accept(room, batch.messages);
        }
    }
}
