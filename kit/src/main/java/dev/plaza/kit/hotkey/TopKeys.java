package dev.plaza.kit.hotkey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The K members of the top K with their counts. Membership (add, replace, remove) changes only under
 * {@link HeavyKeeper}'s lock; a member's count only rises between fadings and is raised lock-free ({@link Node#raise}),
 * because on a skewed stream most adds are to members and a lock there would be taken by nearly every add.
 *
 * <p>Why not a min-heap (as the paper and aegis use): a heap must be re-sifted on every raise, which needs the lock.
 * Without one, the smallest member is found by a scan of K counts, paid only when membership may change (a newcomer
 * beats the published minimum), which on a skewed stream is rare once the top K has formed. Fine for K up to a few
 * hundred; hot-key detection wants tens.
 */
final class TopKeys {
    static final class Node {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(Node.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String key;
        volatile long count;
        /** Index in {@link TopKeys#members}; guarded by the lock. */
        int slot;

        Node(String key, long count) {
            this.key = key;
            this.count = count;
        }

        /** Raises the count to {@code estimate} if that is larger (lock-free) and returns the count after. */
        long raise(long estimate) {
            long c = count;
            while (estimate > c) {
                long witness = (long) COUNT.compareAndExchange(this, c, estimate);
                if (witness == c) {
                    return estimate;
                }
                c = witness;
            }
            return c;
        }
    }

    private final Node[] members;
    private final ConcurrentHashMap<String, Node> index;
    private int size;

    TopKeys(int k) {
        this.members = new Node[k];
        this.index = new ConcurrentHashMap<>(k * 2);
    }

    /** The member {@code key}, or null; no lock needed. */
    Node get(String key) {
        return index.get(key);
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == members.length;
    }

    void add(Node n) {
        n.slot = size;
        members[size++] = n;
        index.put(n.key, n);
    }

    /** Puts {@code n} in the place of member {@code old}. */
    void replace(Node old, Node n) {
        index.remove(old.key);
        n.slot = old.slot;
        members[n.slot] = n;
        index.put(n.key, n);
    }

    void remove(Node old) {
        index.remove(old.key);
        Node last = members[--size];
        members[size] = null;
        if (last != old) {
            last.slot = old.slot;
            members[old.slot] = last;
        }
    }

    /**
     * The member with the smallest count, or null when empty. Counts read here can only have risen since (or been
     * halved under the lock), so the count returned is a lower bound of the smallest count until the next fading.
     */
    Node min() {
        Node min = null;
        for (int i = 0; i < size; i++) {
            if (min == null || members[i].count < min.count) {
                min = members[i];
            }
        }
        return min;
    }

    /** Halves every count. A raise racing with this keeps whichever write came last: fading is approximate anyway. */
    void halve() {
        for (int i = 0; i < size; i++) {
            members[i].count = members[i].count >>> 1;
        }
    }

    /** Members whose count is zero (faded out). */
    List<Node> zeros() {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (members[i].count == 0) {
                out.add(members[i]);
            }
        }
        return out;
    }

    /** The members, largest count first (ties by key, so equal counts list the same way every time). */
    List<HotKey> sorted() {
        List<HotKey> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new HotKey(members[i].key, members[i].count));
        }
        out.sort(Comparator.comparingLong(HotKey::count).reversed().thenComparing(HotKey::key));
        return out;
    }
}
