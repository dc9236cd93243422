package dev.plaza.kit.balance;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/** Answers nextInt(bound) from a script, so a test decides which two backends a picker draws. */
final class ScriptedRandom implements RandomGenerator {
    private final Deque<Integer> script = new ArrayDeque<>();

    /** The next draw is backends[a] and backends[b] (distinct), i.e. nextInt(n) = a, nextInt(n - 1) = b or b - 1. */
    ScriptedRandom draw(int a, int b) {
        if (a == b) {
            throw new IllegalArgumentException("the two candidates are distinct");
        }
        script.add(a);
        script.add(b > a ? b - 1 : b);
        return this;
    }

    @Override
    public int nextInt(int bound) {
        Integer next = script.poll();
        if (next == null || next >= bound) {
            throw new IllegalStateException("script exhausted or out of range for bound " + bound + ": " + next);
        }
        return next;
    }

    @Override
    public long nextLong() {
        throw new AssertionError("the picker draws with nextInt(bound) only; nothing else is scripted");
    }
}
