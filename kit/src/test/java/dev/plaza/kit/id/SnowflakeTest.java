package dev.plaza.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnowflakeTest {
    private static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    @Test
    void idsAreUniqueAcrossThreadsAndIncreasingWithinEach() throws Exception {
        Snowflake snowflake = new Snowflake(7);
        int threads = 4;
        int perThread = 200_000;
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> {
                long[] ids = new long[perThread];
                for (int i = 0; i < perThread; i++) {
                    ids[i] = snowflake.nextId();
                }
                return ids;
            });
        }
        long[] all = new long[threads * perThread];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            int offset = 0;
            for (Future<long[]> f : pool.invokeAll(tasks)) {
                long[] ids = f.get();
                for (int i = 1; i < ids.length; i++) {
                    assertThat(ids[i]).isGreaterThan(ids[i - 1]);
                }
                System.arraycopy(ids, 0, all, offset, ids.length);
                offset += ids.length;
            }
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                throw new AssertionError("duplicate id " + all[i]);
            }
        }
        assertThat(Snowflake.decode(all[0]).workerId()).isEqualTo(7);
    }

    @Test
    void decodeRoundTrips() {
        Snowflake snowflake = new Snowflake(1023, () -> T0);
        long first = snowflake.nextId();
        long second = snowflake.nextId();

        assertThat(first).isPositive();
        assertThat(Snowflake.decode(first)).isEqualTo(new Snowflake.Parts(T0, 1023, 0));
        assertThat(Snowflake.decode(second)).isEqualTo(new Snowflake.Parts(T0, 1023, 1));
        assertThat(Snowflake.decode(first).instant()).isEqualTo(Instant.ofEpochMilli(T0));
        // the layout itself: 41 | 10 | 12 bits
        assertThat(first).isEqualTo(((T0 - Snowflake.EPOCH) << 22) | (1023L << 12));
    }

    @Test
    void exhaustedSequenceMovesToTheNextMillisecond() {
        AtomicInteger reads = new AtomicInteger();
        // the clock stays at T0 for 4,096 ids plus a few spins, then ticks
        Snowflake snowflake = new Snowflake(3, () -> reads.incrementAndGet() <= 4_100 ? T0 : T0 + 1);
        long last = 0;
        for (int i = 0; i < 4_096; i++) {
            last = snowflake.nextId();
        }
        assertThat(Snowflake.decode(last)).isEqualTo(new Snowflake.Parts(T0, 3, 4_095));

        long next = snowflake.nextId();

        assertThat(Snowflake.decode(next)).isEqualTo(new Snowflake.Parts(T0 + 1, 3, 0));
        assertThat(reads.get()).isGreaterThan(4_097); // it had to re-read the clock until it moved
    }

    @Test
    void smallClockStepBackIsWaitedOut() {
        AtomicLong now = new AtomicLong(T0);
        AtomicLong readsAfterStep = new AtomicLong();
        Snowflake snowflake = new Snowflake(1, () -> {
            if (now.get() < T0) {
                readsAfterStep.incrementAndGet();
                return now.getAndIncrement(); // time passes while the generator waits
            }
            return now.get();
        });
        long before = snowflake.nextId();
        now.set(T0 - 3);

        long started = System.nanoTime();
        long after = snowflake.nextId();
        long waitedNanos = System.nanoTime() - started;

        assertThat(after).isGreaterThan(before);
        assertThat(Snowflake.decode(after).timestampMillis()).isEqualTo(T0);
        assertThat(readsAfterStep.get()).isGreaterThanOrEqualTo(3);
        assertThat(waitedNanos).isGreaterThanOrEqualTo(3_000_000); // parked for the 3 ms it was behind
    }

    @Test
    void largeClockStepBackThrowsUntilTheClockCatchesUp() {
        AtomicLong now = new AtomicLong(T0);
        Snowflake snowflake = new Snowflake(2, now::get);
        long before = snowflake.nextId();
        now.set(T0 - 6);

        assertThatThrownBy(snowflake::nextId).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CLOCK MOVED BACKWARDS by 6 ms").hasMessageContaining("worker 2");
        assertThatThrownBy(snowflake::nextId).isInstanceOf(IllegalStateException.class);

        now.set(T0 + 1);
        assertThat(snowflake.nextId()).isGreaterThan(before);
    }

    @Test
    void threadDescheduledRightAfterReadingTheClockIsNotAClockStepBack() {
        // Found by SnowflakeBenchmark on 2 busy cores: a thread that read the clock, lost its CPU for 10 ms while
        // another thread issued ids, then compared its stale reading with the new state "saw" the clock go back.
        AtomicLong time = new AtomicLong(T0);
        AtomicBoolean preemptNextRead = new AtomicBoolean(true);
        Snowflake[] shared = new Snowflake[1];
        long[] otherId = new long[1];
        shared[0] = new Snowflake(1, () -> {
            long reading = time.get();
            if (preemptNextRead.compareAndSet(true, false)) {
                time.set(T0 + 10); // 10 ms pass; another thread runs
                Thread other = Thread.ofPlatform().start(() -> otherId[0] = shared[0].nextId());
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return reading;
        });

        long id = shared[0].nextId();

        assertThat(id).isGreaterThan(otherId[0]);
        assertThat(Snowflake.decode(id)).isEqualTo(new Snowflake.Parts(T0 + 10, 1, 1));
    }

    @Test
    void toleranceIsConfigurable() {
        AtomicLong now = new AtomicLong(T0);
        Snowflake strict = new Snowflake(2, now::get, 0);
        strict.nextId();
        now.set(T0 - 1);
        assertThatThrownBy(strict::nextId).hasMessageContaining("by 1 ms");
    }

    @Test
    void rejectsBadWorkerIdsAndClocksOutsideTheRange() {
        assertThatThrownBy(() -> new Snowflake(1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Snowflake(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Snowflake(0, () -> Snowflake.EPOCH - 1).nextId())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside the snowflake range");
    }
}
