package dev.plaza.kit.balance;

/**
 * How many backends a balancer was resolved and how many of them it uses (its subset), for {@link PickMetrics}'
 * gauges. Written by the balancer in the channel's synchronization context, read by the metrics registry from any
 * thread.
 */
final class SubsetSizes {
    private volatile int resolved;
    private volatile int used;

    void update(int resolved, int used) {
        this.resolved = resolved;
        this.used = used;
    }

    int resolved() {
        return resolved;
    }

    int used() {
        return used;
    }
}
