package dev.plaza.im.comet;

import java.time.Duration;
import java.util.Objects;

/**
 * How a comet listens and behaves.
 *
 * @param host             the address both servers bind to
 * @param tcpPort          the TCP server's port; 0 picks a free one, -1 turns the TCP server off
 * @param wsPort           the WebSocket server's port (path {@code /sub}); 0 picks a free one, -1 turns it off
 * @param workers          I/O event loop threads shared by both servers (one more thread accepts)
 * @param buckets          how many shards the connections are spread over, by hash of the connection key
 * @param sendQueue        packets a connection may have waiting to be written; more are dropped for that connection
 * @param handshakeTimeout how long a new connection has to authenticate
 * @param heartbeatTimeout how long an authenticated connection may stay silent before it is closed
 * @param allowAnonymous   whether viewers without an account (mid 0, no key) may join rooms, read-only
 * @param batchDelay       how long room messages are gathered per room before going out as one batch (0: at once)
 * @param batchMax         the most messages in one room batch; a full batch goes out before its delay is over
 * @param onlineInterval   how often the rooms' online counts are reported to the listener
 * @param drainTimeout     how long {@link Comet#close()} waits for queued packets and the listener's last calls
 */
public record CometConfig(String host, int tcpPort, int wsPort, int workers, int buckets, int sendQueue,
                          Duration handshakeTimeout, Duration heartbeatTimeout, boolean allowAnonymous,
                          Duration batchDelay, int batchMax, Duration onlineInterval, Duration drainTimeout) {
    public static final int DEFAULT_TCP_PORT = 3101;
    public static final int DEFAULT_WS_PORT = 3102;
    /** A port value that turns a server off. */
    public static final int OFF = -1;

    public CometConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        checkPort("tcpPort", tcpPort);
        checkPort("wsPort", wsPort);
        if (tcpPort == OFF && wsPort == OFF) {
            throw new IllegalArgumentException("at least one of tcpPort and wsPort must be on");
        }
        // 2-core machines are the norm here; more loops than that only add context switches
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be 1..64, was " + workers);
        }
        if (buckets < 1 || buckets > 4096) {
            throw new IllegalArgumentException("buckets must be 1..4096, was " + buckets);
        }
        if (sendQueue < 1) {
            throw new IllegalArgumentException("sendQueue must be at least 1, was " + sendQueue);
        }
        if (batchMax < 1) {
            throw new IllegalArgumentException("batchMax must be at least 1, was " + batchMax);
        }
        positive("handshakeTimeout", handshakeTimeout);
        positive("heartbeatTimeout", heartbeatTimeout);
        positive("onlineInterval", onlineInterval);
        Objects.requireNonNull(batchDelay, "batchDelay");
        if (batchDelay.isNegative()) {
            throw new IllegalArgumentException("batchDelay must not be negative");
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative");
        }
    }

    public static CometConfig defaults() {
        return new CometConfig("127.0.0.1", DEFAULT_TCP_PORT, DEFAULT_WS_PORT, 2, 32, 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(90), true, Duration.ofMillis(20), 64, Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    public CometConfig withPorts(int tcp, int ws) {
        return new CometConfig(host, tcp, ws, workers, buckets, sendQueue, handshakeTimeout, heartbeatTimeout,
                allowAnonymous, batchDelay, batchMax, onlineInterval, drainTimeout);
    }

    public CometConfig withSendQueue(int packets) {
        return new CometConfig(host, tcpPort, wsPort, workers, buckets, packets, handshakeTimeout, heartbeatTimeout,
                allowAnonymous, batchDelay, batchMax, onlineInterval, drainTimeout);
    }

    public CometConfig withTimeouts(Duration handshake, Duration heartbeat) {
        return new CometConfig(host, tcpPort, wsPort, workers, buckets, sendQueue, handshake, heartbeat,
                allowAnonymous, batchDelay, batchMax, onlineInterval, drainTimeout);
    }

    public CometConfig withAllowAnonymous(boolean allow) {
        return new CometConfig(host, tcpPort, wsPort, workers, buckets, sendQueue, handshakeTimeout, heartbeatTimeout,
                allow, batchDelay, batchMax, onlineInterval, drainTimeout);
    }

    public CometConfig withBatching(Duration delay, int max) {
        return new CometConfig(host, tcpPort, wsPort, workers, buckets, sendQueue, handshakeTimeout, heartbeatTimeout,
                allowAnonymous, delay, max, onlineInterval, drainTimeout);
    }

    public CometConfig withOnlineInterval(Duration interval) {
        return new CometConfig(host, tcpPort, wsPort, workers, buckets, sendQueue, handshakeTimeout, heartbeatTimeout,
                allowAnonymous, batchDelay, batchMax, interval, drainTimeout);
    }

    private static void checkPort(String name, int port) {
        if (port < OFF || port > 65535) {
            throw new IllegalArgumentException(name + " must be -1 (off), 0 (any) or 1..65535, was " + port);
        }
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
