package dev.plaza.bench.overload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Capacity: {@code connections} clients each sending the next request when the last is answered. With enough of
 * them to keep the server busy, the good answers per second are what it can do when it is never idle and never
 * overloaded by a backlog: the C the ramp's steps are multiples of.
 */
final class ClosedLoop {
    private ClosedLoop() {
    }

    static double goodput(ConnectionPool pool, int connections, Duration length, Duration timeout)
            throws InterruptedException {
        LongAdder ok = new LongAdder();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    if (pool.send(System.nanoTime() + timeout.toNanos()) == WorkConnection.Outcome.OK) {
                        ok.increment();
                    }
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        return ok.sum() / (length.toNanos() / 1e9);
    }
}
