package dev.plaza.kit.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HotKeyCacheTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int MIN_COUNT = 3;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final HotKeyDetector detector = new HotKeyDetector("test",
            new HeavyKeeper(new HeavyKeeper.Settings(10, 256, 4, 0.925, 42), new SplittableRandom(1), k -> { }),
            new HotKeyDetector.Settings(MIN_COUNT, Duration.ofHours(1)), nanos::get, new SimpleMeterRegistry());
    private final HotKeyCache<Long, String> cache = new HotKeyCache<>(detector, id -> "subject:" + id,
            new HotKeyCache.Settings(TTL, 100), nanos::get);
    private final AtomicInteger loads = new AtomicInteger();
    private final Function<Long, String> loader = id -> {
        loads.incrementAndGet();
        return "value-" + id;
    };

    @Test
    void aHotKeyIsLoadedOncePerTtl() {
        for (int i = 1; i < MIN_COUNT; i++) {
            cache.get(1L, loader); // cold while it warms up: straight to the loader
        }
        assertThat(loads).hasValue(MIN_COUNT - 1);
        for (int i = 0; i < 1_000; i++) {
            assertThat(cache.get(1L, loader)).isEqualTo("value-1");
        }
        assertThat(loads).hasValue(MIN_COUNT); // one load for the 1,000 hot reads

        nanos.addAndGet(TTL.toNanos() - 1);
        cache.get(1L, loader);
        assertThat(loads).hasValue(MIN_COUNT);
        nanos.addAndGet(1); // expired now
        for (int i = 0; i < 1_000; i++) {
            cache.get(1L, loader);
        }
        assertThat(loads).hasValue(MIN_COUNT + 1);
        assertThat(cache.stats()).isEqualTo(new HotKeyCache.Stats(1_999, 2, MIN_COUNT - 1));
    }

    @Test
    void concurrentReadersOfAHotKeyShareOneLoad() throws Exception {
        warm(1L);
        loads.set(0);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Function<Long, String> slow = id -> {
            loads.incrementAndGet();
            loading.countDown();
            await(release);
            return "slow-" + id;
        };
        List<Thread> readers = new ArrayList<>();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        readers.add(Thread.ofVirtual().start(() -> seen.add(cache.get(1L, slow))));
        await(loading);
        for (int i = 0; i < 50; i++) {
            readers.add(Thread.ofVirtual().start(() -> seen.add(cache.get(1L, slow))));
        }
        Thread.sleep(50); // let them queue behind the load
        release.countDown();
        for (Thread t : readers) {
            t.join();
        }
        assertThat(loads).hasValue(1);
        assertThat(seen).hasSize(51).containsOnly("slow-1");
    }

    @Test
    void aColdKeyHitsTheLoaderEveryTime() {
        // 20 keys read 25 times each: some are in the top 10, but none reaches this detector's minCount of 1,000
        HotKeyDetector strict = new HotKeyDetector("strict",
                new HeavyKeeper(new HeavyKeeper.Settings(10, 256, 4, 0.925, 42), new SplittableRandom(1), k -> { }),
                new HotKeyDetector.Settings(1_000, Duration.ofHours(1)), nanos::get, new SimpleMeterRegistry());
        HotKeyCache<Long, String> c = new HotKeyCache<>(strict, String::valueOf, HotKeyCache.Settings.defaults(),
                nanos::get);
        for (int i = 0; i < 500; i++) {
            assertThat(c.get(i % 20L, loader)).isEqualTo("value-" + (i % 20));
        }
        assertThat(loads).hasValue(500);
        assertThat(c.stats()).isEqualTo(new HotKeyCache.Stats(0, 0, 500));
    }

    @Test
    void aFailedLoadIsNotKept() {
        warm(1L);
        assertThatThrownBy(() -> cache.get(1L, id -> {
            throw new IllegalStateException("redis down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("redis down");
        loads.set(0);
        assertThat(cache.get(1L, loader)).isEqualTo("value-1");
        assertThat(cache.get(1L, loader)).isEqualTo("value-1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aNullLoadIsNotKeptAndInvalidateDropsTheCopy() {
        warm(1L);
        assertThat(cache.get(1L, id -> null)).isNull();
        loads.set(0);
        cache.get(1L, loader);
        cache.invalidate(1L);
        cache.get(1L, loader);
        assertThat(loads).hasValue(2);
    }

    private void warm(long id) {
        for (int i = 1; i < MIN_COUNT; i++) {
            cache.get(id, loader);
        }
        assertThat(detector.isHot("subject:" + id)).isFalse();
        detector.record("subject:" + id); // the next get is hot
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
