package dev.plaza.bench.overload;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code max} connections to the server, reused keep-alive. A request that finds all of them busy waits for
 * one, and the wait is part of its latency and counts against its deadline: like a proxy's connection limit, the
 * queue then sits in the client, but it is the same queue whichever side holds it.
 */
final class ConnectionPool implements AutoCloseable {
    private final String host;
    private final int port;
    private final Semaphore slots;
    private final ConcurrentLinkedQueue<WorkConnection> idle = new ConcurrentLinkedQueue<>();

    ConnectionPool(String host, int port, int max) {
        this.host = host;
        this.port = port;
        this.slots = new Semaphore(max);
    }

    /** One request through the pool, answered by {@code deadlineNanos} or counted as a timeout. */
    WorkConnection.Outcome send(long deadlineNanos) {
        try {
            if (!slots.tryAcquire(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return WorkConnection.Outcome.TIMEOUT;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return WorkConnection.Outcome.ERROR;
        }
        try {
            WorkConnection c = idle.poll();
            if (c == null) {
                try {
                    c = new WorkConnection(host, port, (int) ((deadlineNanos - System.nanoTime()) / 1_000_000));
                } catch (IOException e) {
                    ErrorCounts.count("connect: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    return WorkConnection.Outcome.ERROR;
                }
            }
            WorkConnection.Outcome outcome = c.send(deadlineNanos);
            if (outcome == WorkConnection.Outcome.OK || outcome == WorkConnection.Outcome.REJECTED) {
                idle.offer(c);
            } else {
                c.close(); // its answer may still arrive: the next request must not read it
            }
            return outcome;
        } finally {
            slots.release();
        }
    }

    @Override
    public void close() {
        WorkConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
