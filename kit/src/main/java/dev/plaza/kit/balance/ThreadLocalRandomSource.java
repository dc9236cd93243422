package dev.plaza.kit.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The pickers' randomness in production. Picks run on every calling thread at once: each draws from its own thread's
 * generator instead of contending on one shared seed, and ThreadLocalRandom must be looked up by the thread that
 * uses it, so this looks it up on every draw.
 */
public final class ThreadLocalRandomSource implements RandomGenerator {
    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
