package dev.plaza.kit.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HeavyKeeperTest {
    private static final int ACCESSES = 100_000;
    private static final int KEYS = 10_000;

    @Test
    void findsTheTrueTop10OfASkewedStreamWithSmallCountErrors() {
        String[] stream = new ZipfStream(KEYS, 1.0, 7).take(ACCESSES);
        HeavyKeeper hk = new HeavyKeeper(new HeavyKeeper.Settings(10, 1024, 4, 0.925, 42),
                new SplittableRandom(1), k -> { });
        Map<String, Integer> truth = new HashMap<>();
        for (String key : stream) {
            hk.add(key, 1);
            truth.merge(key, 1, Integer::sum);
        }
        Set<String> trueTop = truth.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        List<HotKey> found = hk.list();

        assertThat(found).hasSize(10);
        assertThat(found).isSortedAccordingTo(Comparator.comparingLong(HotKey::count).reversed());
        long hits = found.stream().filter(h -> trueTop.contains(h.key())).count();
        assertThat(hits).as("true top-10 keys found").isGreaterThanOrEqualTo(9);
        // HeavyKeeper's estimate of an elephant is never above the truth (bar fingerprint collisions) and, for these
        // keys (1,000 to 10,000 reads each), within 1% below it
        for (HotKey h : found) {
            int actual = truth.get(h.key());
            assertThat(h.count()).as("count of %s", h.key())
                    .isLessThanOrEqualTo(actual).isGreaterThanOrEqualTo((long) (actual * 0.99));
        }
    }

    @Test
    void addTellsWhetherTheKeyIsInTheTopK() {
        HeavyKeeper hk = keeper(2, k -> { });
        assertThat(hk.add("a", 5)).isTrue();
        assertThat(hk.add("b", 3)).isTrue();
        assertThat(hk.add("c", 1)).isFalse(); // 1 does not beat the smallest member (3)
        assertThat(hk.offer("a", 1)).isEqualTo(6);
        assertThat(hk.offer("c", 1)).isEqualTo(-1);
        assertThat(hk.contains("a")).isTrue();
        assertThat(hk.contains("c")).isFalse();
        assertThat(hk.estimate("c")).isEqualTo(2); // counted all along, just not in the top K
        assertThat(hk.list()).containsExactly(new HotKey("a", 6), new HotKey("b", 3));
        assertThatThrownBy(() -> hk.add("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNewcomerThatOvertakesTheSmallestMemberExpelsIt() {
        List<HotKey> expelled = new ArrayList<>();
        HeavyKeeper hk = keeper(2, expelled::add);
        hk.add("a", 5);
        hk.add("b", 3);
        assertThat(hk.add("c", 4)).isTrue();
        assertThat(expelled).containsExactly(new HotKey("b", 3));
        assertThat(hk.list()).extracting(HotKey::key).containsExactly("a", "c");
    }

    @Test
    void fadingHalvesCountsAndLetsAFormerlyHotKeyDropOutWhenNewKeysTakeOver() {
        List<HotKey> expelled = Collections.synchronizedList(new ArrayList<>());
        HeavyKeeper hk = keeper(3, expelled::add);
        hk.add("yesterday", 1000);
        hk.add("x", 7);
        hk.fading();
        assertThat(hk.list()).containsExactly(new HotKey("yesterday", 500), new HotKey("x", 3));
        assertThat(hk.estimate("yesterday")).isEqualTo(500);

        // today three other keys are read 200 times a window, and nobody reads yesterday's key any more
        int windows = 0;
        while (hk.contains("yesterday")) {
            for (String key : List.of("new1", "new2", "new3")) {
                hk.add(key, 200);
            }
            hk.fading();
            windows++;
            assertThat(windows).as("windows until it left").isLessThan(10);
        }
        // yesterday 500, then 250 after the first window; the newcomers 200, halved to 100, plus 200 = 300 > 250
        assertThat(windows).isEqualTo(2);
        assertThat(hk.list()).extracting(HotKey::key).containsExactlyInAnyOrder("new1", "new2", "new3");
        assertThat(expelled).extracting(HotKey::key).contains("yesterday", "x");
    }

    @Test
    void membersThatFadeToZeroLeaveTheTopK() {
        List<HotKey> expelled = new ArrayList<>();
        HeavyKeeper hk = keeper(3, expelled::add);
        hk.add("a", 4);
        hk.add("b", 1);
        hk.fading();
        assertThat(hk.list()).containsExactly(new HotKey("a", 2));
        assertThat(expelled).containsExactly(new HotKey("b", 0));
        hk.fading();
        hk.fading();
        assertThat(hk.list()).isEmpty();
        assertThat(hk.estimate("a")).isZero();
    }

    @Test
    void concurrentAddersFindTheSameTop10() throws Exception {
        HeavyKeeper hk = new HeavyKeeper(new HeavyKeeper.Settings(10, 1024, 4, 0.925, 42));
        int threads = 4;
        List<Map<String, Integer>> truths = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String[] stream = new ZipfStream(KEYS, 1.0, 100 + t).take(ACCESSES / threads);
            Map<String, Integer> truth = new HashMap<>();
            truths.add(truth);
            workers.add(Thread.ofPlatform().start(() -> {
                for (String key : stream) {
                    hk.add(key, 1);
                    truth.merge(key, 1, Integer::sum);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        Map<String, Integer> total = new HashMap<>();
        truths.forEach(m -> m.forEach((k, v) -> total.merge(k, v, Integer::sum)));
        Set<String> trueTop = total.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        List<HotKey> found = hk.list();
        assertThat(found.stream().filter(h -> trueTop.contains(h.key())).count()).isGreaterThanOrEqualTo(9);
        for (HotKey h : found) {
            assertThat(h.count()).isLessThanOrEqualTo(total.get(h.key()))
                    .isGreaterThanOrEqualTo((long) (total.get(h.key()) * 0.98));
        }
    }

    private static HeavyKeeper keeper(int k, java.util.function.Consumer<HotKey> expelled) {
        return new HeavyKeeper(new HeavyKeeper.Settings(k, 64, 4, 0.925, 42), new SplittableRandom(1), expelled);
    }
}
