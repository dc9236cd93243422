package dev.plaza.comment.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SingleFlightAndGateTest {
    @Test
    void concurrentCallersShareOneExecution() throws Exception {
        SingleFlight<String, Integer> flight = new SingleFlight<>();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> flight.run("k", () -> {
                    runs.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return 42;
                })));
            }
            while (flight.inFlight() == 0) {
                Thread.sleep(1);
            }
            Thread.sleep(100); // let the others join
            release.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(42);
            }
        }
        assertThat(runs.get()).isEqualTo(1);
        assertThat(flight.inFlight()).isZero();
        // nothing is remembered: the next call runs again
        assertThat(flight.run("k", () -> 7)).isEqualTo(7);
    }

    @Test
    void failuresReachEveryWaiterAndAreNotRemembered() {
        SingleFlight<String, Integer> flight = new SingleFlight<>();
        assertThatThrownBy(() -> flight.run("k", () -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(flight.run("k", () -> 1)).isEqualTo(1);
    }

    @Test
    void gateOpensOncePerQuietPeriodAndReopensOnRelease() {
        AtomicLong now = new AtomicLong();
        RebuildGate gate = new RebuildGate(Duration.ofSeconds(5), now::get);
        RebuildGate.Target t = new RebuildGate.Target(new SubjectKey(1, 1), 0, 0);
        RebuildGate.Target other = new RebuildGate.Target(new SubjectKey(1, 1), 1, 0);
        assertThat(gate.tryAcquire(t)).isTrue();
        assertThat(gate.tryAcquire(t)).isFalse();
        assertThat(gate.tryAcquire(other)).isTrue();
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(gate.tryAcquire(t)).isFalse();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(gate.tryAcquire(t)).isTrue();
        gate.release(t);
        assertThat(gate.tryAcquire(t)).isTrue();
    }

    @Test
    void gateLetsExactlyOneOfManyConcurrentCallersThrough() throws Exception {
        RebuildGate gate = new RebuildGate(Duration.ofSeconds(5));
        RebuildGate.Target t = new RebuildGate.Target(new SubjectKey(1, 9), 3, 0);
        AtomicInteger winners = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                pool.submit(() -> {
                    go.await();
                    if (gate.tryAcquire(t)) {
                        winners.incrementAndGet();
                    }
                    return null;
                });
            }
            go.countDown();
        }
        assertThat(winners.get()).isEqualTo(1);
    }
}
