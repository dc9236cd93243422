package dev.plaza.kit.balance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The backends one client uses out of a large fleet: the {@code size} that score highest under rendezvous
 * (highest-random-weight) hashing, {@code score = hash(client key, backend name)}.
 *
 * <ul>
 *   <li>Consistent: a backend's score does not depend on the other backends, so a backend joining displaces at most
 *       the lowest-ranked member, and a member leaving is replaced by the best non-member. Either way at most one
 *       member changes, and only one connection is opened or closed.</li>
 *   <li>Spread: every client ranks the backends in its own independent random order, so each backend is in a given
 *       client's subset with probability {@code size / n}, and over C clients it is chosen by about
 *       {@code C * size / n} of them (binomially distributed around that).</li>
 *   <li>Deterministic: the same key and backends give the same subset, in whatever order the resolver lists them.</li>
 * </ul>
 *
 * <p>SHA-256 rather than a fast non-cryptographic hash: the spread rests on the scores of different keys being
 * independent, subsets are chosen only when the resolver sends a new list, and a few hundred digests take well under
 * a millisecond. Immutable.
 */
final class RendezvousSubset {
    private final byte[] clientKey;
    private final int size;

    /**
     * @param clientKey what tells this client's ranking from the others': unique per client process
     * @param size      how many backends to keep; 0 keeps them all
     */
    RendezvousSubset(String clientKey, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("subset size must be 0 (off) or positive, got " + size);
        }
        this.clientKey = Objects.requireNonNull(clientKey, "clientKey").getBytes(StandardCharsets.UTF_8);
        this.size = size;
    }

    /**
     * The {@code size} best-scoring of {@code candidates} in their given order, or all of them when there are no
     * more than {@code size} (or size is 0).
     *
     * @param name a backend's name, the same in every client ({@code host:port})
     */
    <T> List<T> choose(List<T> candidates, Function<? super T, String> name) {
        if (size == 0 || candidates.size() <= size) {
            return candidates;
        }
        MessageDigest digest = sha256(); // per call: digests are stateful and this may run on any thread
        List<Scored> scored = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            String n = name.apply(candidates.get(i));
            scored.add(new Scored(i, n, score(digest, n)));
        }
        // ties (a 2^-64 chance) go by name, so that every client breaks them the same way
        scored.sort(Comparator.comparingLong(Scored::score).reversed().thenComparing(Scored::name));
        List<Scored> best = new ArrayList<>(scored.subList(0, size));
        best.sort(Comparator.comparingInt(Scored::index));
        List<T> subset = new ArrayList<>(size);
        for (Scored s : best) {
            subset.add(candidates.get(s.index()));
        }
        return subset;
    }

    private long score(MessageDigest digest, String name) {
        digest.update(clientKey);
        digest.update((byte) 0); // a separator, so that ("ab", "c") and ("a", "bc") score differently
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must have SHA-256", e);
        }
    }

    private record Scored(int index, String name, long score) {
    }
}
