package dev.plaza.kit.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {
    @Test
    void concurrentCallersShareBatchesAndReturnOnlyOnceWritten() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        try (WriteCoalescer<Integer> c = new WriteCoalescer<>("test", 64, 1000, batch -> {
            sleep(5); // a round trip: the next batch fills meanwhile
            sizes.add(batch.size());
            written.addAll(batch);
        })) {
            c.start();
            List<Thread> callers = new ArrayList<>();
            AtomicInteger seenBeforeReturn = new AtomicInteger();
            for (int i = 0; i < 200; i++) {
                int item = i;
                callers.add(Thread.ofVirtual().start(() -> {
                    c.write(item);
                    if (written.contains(item)) {
                        seenBeforeReturn.incrementAndGet();
                    }
                }));
            }
            for (Thread t : callers) {
                t.join();
            }
            assertThat(written).hasSize(200).doesNotHaveDuplicates();
            assertThat(seenBeforeReturn).hasValue(200);
            assertThat(sizes).allMatch(s -> s <= 64);
            assertThat(c.stats().batches()).isLessThan(100); // 200 writes in far fewer round trips
            assertThat(c.stats().items()).isEqualTo(200);
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsCallers() {
        try (WriteCoalescer<String> c = new WriteCoalescer<>("test", 8, 8, batch -> {
            throw new IllegalStateException("store down");
        })) {
            c.start();
            assertThatThrownBy(() -> c.write("a")).isInstanceOf(IllegalStateException.class).hasMessage("store down");
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceWithOverloaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        WriteCoalescer<Integer> c = new WriteCoalescer<>("test", 1, 2, batch -> {
            writing.countDown();
            await(release);
        });
        c.start();
        List<Thread> waiting = new ArrayList<>();
        waiting.add(Thread.ofVirtual().start(() -> c.write(0))); // taken by the writer, which stalls
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        waiting.add(Thread.ofVirtual().start(() -> c.write(1)));
        waiting.add(Thread.ofVirtual().start(() -> c.write(2)));
        while (c.stats().items() == 0 && c.queued() < 2) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.write(3)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-503));
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(c.stats().refused()).isEqualTo(1);
        release.countDown();
        for (Thread t : waiting) {
            t.join();
        }
        assertThat(c.stats().items()).isEqualTo(3);
        c.close();
    }

    @Test
    void closeWritesWhatIsQueuedThenRefuses() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        WriteCoalescer<Integer> c = new WriteCoalescer<>("test", 4, 100, batch -> {
            sleep(20);
            written.addAll(batch);
        });
        c.start();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int item = i;
            callers.add(Thread.ofVirtual().start(() -> c.write(item)));
        }
        while (c.queued() + c.stats().items() < 20) {
            Thread.sleep(2);
        }
        c.close();
        for (Thread t : callers) {
            t.join();
        }
        assertThat(written).hasSize(20);
        assertThatThrownBy(() -> c.write(99)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-503));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
