package dev.plaza.kit.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Self-protection of a caller's instance list (as bilibili/discovery protects its registry): when more than
 * {@code maxVanishShare} of the instances listed within the last {@code window} disappear, that is more likely
 * ZooKeeper trouble or a partition than a fleet dying, so the caller keeps the reference list (plus any newcomers)
 * for {@code holdFor} and only then believes the smaller list. Losses are counted against a reference that is at
 * most {@code window} old, because a registry reports the znodes of one dead session one by one. A rolling restart
 * slower than one instance per window never triggers it. Not thread-safe: its watcher calls it under a lock.
 */
final class VanishGuard {
    private final double maxVanishShare;
    private final long windowNanos;
    private final long holdNanos;
    private final LongSupplier nanoClock;
    private List<ServiceInstance> reference = List.of();
    private long referenceAt;
    private long protectingSince = -1;

    VanishGuard(double maxVanishShare, Duration window, Duration holdFor, LongSupplier nanoClock) {
        if (maxVanishShare <= 0 || maxVanishShare > 1) {
            throw new IllegalArgumentException("maxVanishShare must be in (0, 1], was " + maxVanishShare);
        }
        this.maxVanishShare = maxVanishShare;
        this.windowNanos = window.toNanos();
        this.holdNanos = holdFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The list to use, given the registry's current one. */
    List<ServiceInstance> accept(List<ServiceInstance> fresh) {
        long now = nanoClock.getAsLong();
        Set<String> freshIds = new HashSet<>();
        fresh.forEach(i -> freshIds.add(i.id()));
        long vanished = reference.stream().filter(i -> !freshIds.contains(i.id())).count();
        boolean tooMany = !reference.isEmpty() && (double) vanished / reference.size() > maxVanishShare;
        if (tooMany) {
            if (protectingSince < 0) {
                protectingSince = now;
            }
            if (now - protectingSince < holdNanos) {
                Map<String, ServiceInstance> union = new LinkedHashMap<>();
                reference.forEach(i -> union.put(i.id(), i));
                fresh.forEach(i -> union.put(i.id(), i)); // newcomers and changed entries win
                return new ArrayList<>(union.values());
            }
            reference = List.of(); // held long enough: believe the registry, and start a new reference below
        }
        protectingSince = -1;
        if (reference.isEmpty() || fresh.size() >= reference.size() || now - referenceAt >= windowNanos) {
            reference = List.copyOf(fresh);
            referenceAt = now;
        }
        return List.copyOf(fresh);
    }
    boolean protecting() {
        return protectingSince >= 0;
    }

    /** How long until the protection may end (for a re-check), or zero when not protecting. */
    Duration remaining() {
        if (protectingSince < 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, holdNanos - (nanoClock.getAsLong() - protectingSince)));
    }
}
