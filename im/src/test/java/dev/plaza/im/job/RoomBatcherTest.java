package dev.plaza.im.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomBatcherTest {
    private final List<RoomBatcher.Batch> sent = new CopyOnWriteArrayList<>();
    private RoomBatcher batcher;

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> bodies(RoomBatcher.Batch batch) {
        return batch.bodies().stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aFullBatchIsSentAtOnceWithoutWaitingForTheWindow() throws Exception {
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ofHours(1), 3), sent::add);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            done.add(batcher.add("live://1", 5, b("m" + i)));
        }
        for (int i = 0; i < 6; i++) {
            done.get(i).get(5, TimeUnit.SECONDS);
        }
        assertThat(sent).hasSize(2);
        assertThat(bodies(sent.get(0))).containsExactly("m0", "m1", "m2");
        assertThat(bodies(sent.get(1))).containsExactly("m3", "m4", "m5");
        assertThat(done.get(6)).as("the seventh waits for its window").isNotDone();
        assertThat(batcher.waiting()).isEqualTo(1);
    }

    @Test
    void aPartialBatchIsSentWhenItsWindowEnds() throws Exception {
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ofMillis(50), 32), sent::add);
        long start = System.nanoTime();
        CompletableFuture<Void> a = batcher.add("live://1", 5, b("a"));
        CompletableFuture<Void> c = batcher.add("live://1", 5, b("c"));
        CompletableFuture<Void> other = batcher.add("live://2", 5, b("x"));
        a.get(5, TimeUnit.SECONDS);
        c.get(5, TimeUnit.SECONDS);
        other.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
        assertThat(sent).hasSize(2);
        assertThat(sent).anySatisfy(x -> {
            assertThat(x.room()).isEqualTo("live://1");
            assertThat(bodies(x)).containsExactly("a", "c");
        });
        assertThat(sent).anySatisfy(x -> assertThat(bodies(x)).containsExactly("x"));
    }

    @Test
    void anotherOpClosesTheOpenBatchSoEachBatchHasOneOp() throws Exception {
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ofMillis(20), 32), sent::add);
        batcher.add("live://1", 5, b("a"));
        batcher.add("live://1", 5, b("b"));
        batcher.add("live://1", 7, b("c"));
        batcher.add("live://1", 5, b("d")).get(5, TimeUnit.SECONDS);
        assertThat(sent).extracting(RoomBatcher.Batch::op).containsExactly(5, 7, 5);
        assertThat(sent.stream().flatMap(x -> bodies(x).stream()).toList()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void batchesOfOneRoomAreSentOneAfterAnotherInOrderEvenWhenSendingIsSlow() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxConcurrent = new java.util.concurrent.atomic.AtomicInteger();
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ZERO, 2), batch -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            Thread.sleep(5);
            order.addAll(bodies(batch));
            concurrent.decrementAndGet();
        });
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            done.add(batcher.add("live://9", 5, b(Integer.toString(i))));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(order).containsExactlyElementsOf(expected);
        assertThat(maxConcurrent.get()).as("one batch of a room in flight at a time").isEqualTo(1);
    }

    @Test
    void aFailedSendFailsTheMessagesOfThatBatchOnly() {
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ZERO, 1), batch -> {
            if (bodies(batch).contains("bad")) {
                throw new InterruptedException("stopping");
            }
            sent.add(batch);
        });
        CompletableFuture<Void> bad = batcher.add("live://1", 5, b("bad"));
        CompletableFuture<Void> good = batcher.add("live://1", 5, b("good"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bad.isDone() && good.isDone());
        assertThat(bad).isCompletedExceptionally();
        assertThat(good).isCompleted().isNotCompletedExceptionally();
        assertThat(sent).hasSize(1);
    }

    @Test
    void closeSendsWhatWaits() {
        batcher = new RoomBatcher(new RoomBatcher.Settings(Duration.ofHours(1), 32), sent::add);
        CompletableFuture<Void> f = batcher.add("live://1", 5, b("last"));
        batcher.close();
        assertThat(f).isCompleted();
        assertThat(sent).hasSize(1);
        assertThat(batcher.add("live://1", 5, b("late"))).isCompletedExceptionally();
    }
}
