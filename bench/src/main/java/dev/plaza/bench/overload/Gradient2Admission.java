package dev.plaza.bench.overload;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Netflix concurrency-limits' Gradient2: a concurrency limit that grows while the short-term RTT stays near the
 * long-term one and shrinks when it rises (queueing), with a {@link SimpleLimiter} refusing at once when the limit is
 * reached. Library defaults (initial limit 20, max 200, queue size 4): the point of the library is that it needs no
 * tuning, so none is done. A failed request is reported with {@code onIgnore} so errors do not teach it RTTs.
 */
final class Gradient2Admission implements Admission {
    private final SimpleLimiter<Void> limiter;
    private final LongAdder blocked = new LongAdder();

    Gradient2Admission() {
        this.limiter = SimpleLimiter.newBuilder().named("work").limit(Gradient2Limit.newBuilder().build()).build();
    }

    @Override
    public Ticket enter() {
        Optional<Limiter.Listener> listener = limiter.acquire(null);
        if (listener.isEmpty()) {
            blocked.increment();
            throw REFUSED;
        }
        Limiter.Listener l = listener.get();
        return ok -> {
            if (ok) {
                l.onSuccess();
            } else {
                l.onIgnore();
            }
        };
    }

    @Override
    public String state() {
        return "limit=" + limiter.getLimit() + " inflight=" + limiter.getInflight() + " blocked=" + blocked.sum();
    }
}
