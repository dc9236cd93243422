package dev.plaza.kit.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousSubsetTest {
    private static final int BACKENDS = 100;
    private static final int SIZE = 25;
    private static final int CLIENTS = 1_000;

    private static List<String> backends(int n) {
        return IntStream.range(0, n).mapToObj(i -> "10.0." + i / 250 + "." + i % 250 + ":9000").toList();
    }

    private static Set<String> subset(String client, List<String> backends) {
        return new HashSet<>(new RendezvousSubset(client, SIZE).choose(backends, Function.identity()));
    }

    @Test
    void keepsSizeBackendsInTheirOrderOrAllWhenThereAreNoMore() {
        List<String> all = backends(BACKENDS);
        List<String> chosen = new RendezvousSubset("client-1", SIZE).choose(all, Function.identity());
        assertThat(chosen).hasSize(SIZE).doesNotHaveDuplicates().isSubsetOf(all);
        assertThat(chosen).isSortedAccordingTo((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));

        assertThat(new RendezvousSubset("client-1", SIZE).choose(backends(SIZE), Function.identity()))
                .isEqualTo(backends(SIZE));
        assertThat(new RendezvousSubset("client-1", 0).choose(all, Function.identity())).isEqualTo(all);
        assertThatThrownBy(() -> new RendezvousSubset("client-1", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameKeyChoosesTheSameSubsetWhateverTheResolversOrder() {
        List<String> all = backends(BACKENDS);
        List<String> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(42));
        assertThat(subset("client-1", shuffled)).isEqualTo(subset("client-1", all));
        assertThat(subset("client-2", all)).isNotEqualTo(subset("client-1", all));
    }

    @Test
    void oneBackendJoiningChangesAtMostOneMember() {
        List<String> before = backends(BACKENDS);
        List<String> after = backends(BACKENDS + 1); // the same 100 plus one
        String joined = after.get(BACKENDS);
        int changedClients = 0;
        for (int c = 0; c < CLIENTS; c++) {
            Set<String> old = subset("client-" + c, before);
            Set<String> now = subset("client-" + c, after);
            Set<String> added = difference(now, old);
            Set<String> dropped = difference(old, now);
            assertThat(added).isSubsetOf(Set.of(joined)); // only the newcomer can enter...
            assertThat(dropped).hasSameSizeAs(added); // ...and it pushes out exactly one member
            changedClients += added.size();
        }
        // the newcomer takes its fair share of clients, 25/101 of them (about 248, sd 14), no more
        assertThat(changedClients).isBetween(180, 320);
    }

    @Test
    void oneBackendLeavingChangesAtMostOneMember() {
        List<String> all = backends(BACKENDS);
        for (int c = 0; c < CLIENTS; c++) {
            String client = "client-" + c;
            Set<String> old = subset(client, all);
            for (String gone : List.of(all.get(c % BACKENDS), all.get((c * 7 + 3) % BACKENDS))) {
                List<String> rest = new ArrayList<>(all);
                rest.remove(gone);
                Set<String> now = subset(client, rest);
                Set<String> dropped = difference(old, now);
                Set<String> added = difference(now, old);
                if (old.contains(gone)) {
                    assertThat(dropped).containsExactly(gone); // replaced by the best non-member
                    assertThat(added).hasSize(1);
                } else {
                    assertThat(now).isEqualTo(old); // not a member: nothing moves
                }
            }
        }
    }

    @Test
    void everyBackendIsChosenByAboutTheSameNumberOfClients() {
        List<String> all = backends(BACKENDS);
        Map<String, Integer> clientsPerBackend = new LinkedHashMap<>();
        all.forEach(b -> clientsPerBackend.put(b, 0));
        for (int c = 0; c < CLIENTS; c++) {
            subset("client-" + c, all).forEach(b -> clientsPerBackend.merge(b, 1, Integer::sum));
        }
        IntSummaryStatistics spread = clientsPerBackend.values().stream().mapToInt(Integer::intValue)
                .summaryStatistics();
        System.out.println("[RendezvousSubsetTest] clients per backend over " + BACKENDS + " backends: min="
                + spread.getMin() + " max=" + spread.getMax() + " mean=" + spread.getAverage());
        assertThat(spread.getSum()).isEqualTo((long) CLIENTS * SIZE);
        // each backend is in a client's subset with p = 25/100, independently across clients: its count is
        // Binomial(1000, 0.25), mean 250, sd sqrt(1000 * 0.25 * 0.75) = 13.7. Five sd either side (182..318) leaves a
        // 6e-7 chance per backend, 6e-5 over all 100, for a hash that spreads as it should; one that favours some
        // backends or correlates clients falls outside
        assertThat(spread.getMin()).isGreaterThanOrEqualTo(182);
        assertThat(spread.getMax()).isLessThanOrEqualTo(318);
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }
}
