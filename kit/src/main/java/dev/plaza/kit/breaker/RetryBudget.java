package dev.plaza.kit.breaker;

import java.util.function.LongSupplier;

/**
 * Caps retries at a fraction of a client's requests (Finagle's and the SRE book's "retry budget"): over the window,
 * retries may not exceed {@code minRetries + ratio * requests}. Per-request attempt limits alone let a failing
 * dependency receive three times its normal load; the budget keeps it at about 1.1 times, the floor lets a quiet
 * client (a few calls a second) still retry the odd failure.
 *
 * <p>Thread-safe. Check and count are not one atomic step, so concurrent callers may overshoot by a retry or two.
 */
public final class RetryBudget {
    private final RollingCounter counts; // first = requests, second = retries
    private final double ratio;
    private final long minRetries;

    public RetryBudget(RetryConfig config) {
        this(config, System::nanoTime);
    }

    public RetryBudget(RetryConfig config, LongSupplier nanoClock) {
        // ten buckets: the budget slides in tenths of its window, plenty for a cap that is approximate anyway
        this.counts = new RollingCounter(config.budgetWindow(), 10, nanoClock);
        this.ratio = config.budgetRatio();
        this.minRetries = config.budgetMinRetries();
    }

    /** Every call the client makes (not its retries). */
    public void onRequest() {
        counts.add(1, 0);
    }

    /** True, and counted, if one more retry fits the budget; false means give up and report the failure. */
    public boolean tryRetry() {
        RollingCounter.Totals totals = counts.totals();
        if (totals.second() + 1 > minRetries + ratio * totals.first()) { // never above the allowance
            return false;
        }
        counts.add(0, 1);
        return true;
    }
}
