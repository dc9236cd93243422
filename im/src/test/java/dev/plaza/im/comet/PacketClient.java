package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.im.protocol.Packet;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client of the comet: sends packets, collects what comes back, tells when the server closed it. */
public interface PacketClient extends AutoCloseable {
    Duration WAIT = Duration.ofSeconds(5);

    void send(Packet p);

    /** Bytes as they are: a TCP write, or one binary WebSocket frame. */
    void sendRaw(byte[] bytes);

    BlockingQueue<Packet> received();

    boolean isClosed();

    @Override
    void close();

    /** The next packet from the server; fails when none comes within {@link #WAIT}. */
    default Packet next() {
        try {
            Packet p = received().poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(p).as("a packet from the comet within %s", WAIT).isNotNull();
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    default void awaitClosed() {
        await().atMost(WAIT).until(this::isClosed);
    }
}
