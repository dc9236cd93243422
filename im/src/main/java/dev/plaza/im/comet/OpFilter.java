package dev.plaza.im.comet;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which pushed operations a connection takes. It starts from the auth's {@code accepts}: empty means every operation.
 * SUB and UNSUB then adjust it without surprises: subscribing while everything is taken changes nothing, and
 * unsubscribing while everything is taken excludes just those operations.
 *
 * @param all whether every operation is taken except {@code ops}; otherwise only {@code ops} are taken
 */
public record OpFilter(boolean all, Set<Integer> ops) {
    public static final OpFilter ALL = new OpFilter(true, Set.of());

    public OpFilter {
        ops = Set.copyOf(ops);
    }

    public static OpFilter of(Set<Integer> accepts) {
        return accepts.isEmpty() ? ALL : new OpFilter(false, accepts);
    }

    public boolean accepts(int op) {
        return all != ops.contains(op);
    }

    public OpFilter sub(Collection<Integer> more) {
        Set<Integer> s = new HashSet<>(ops);
        if (all) {
            s.removeAll(more);
        } else {
            s.addAll(more);
        }
        return new OpFilter(all, s);
    }

    public OpFilter unsub(Collection<Integer> less) {
        Set<Integer> s = new HashSet<>(ops);
        if (all) {
            s.addAll(less);
        } else {
            s.removeAll(less);
        }
        return new OpFilter(all, s);
    }
}
