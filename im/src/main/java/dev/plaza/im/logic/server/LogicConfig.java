package dev.plaza.im.logic.server;

import dev.plaza.im.logic.biz.ConnectionUsecase;
import dev.plaza.im.logic.biz.PushUsecase;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the im logic role (config prefix {@code im.logic}).
 *
 * @param anonymous      accept connections without a token, as mid 0 (live rooms are watched logged out)
 * @param heartbeat      seconds between client heartbeats the comets should expect (answered by Connect)
 * @param routeTtl       how long a connection's route lives without a Heartbeat
 * @param onlineTtl      how long a comet's online counts live without a RenewOnline
 * @param onlineCacheTtl how long the online sum over all comets is reused in process
 * @param pushTopic      the Kafka topic pushes go to (the job reads the same)
 * @param pushPartitions partitions of the push topic when logic creates it
 * @param maxBodyBytes   largest push message
 * @param maxTargets     keys or mids per push call at most
 * @param accountTimeout deadline of a ResolveToken call to the account service
 * @param httpEnabled    serve goim's HTTP push API
 * @param httpHost       address the push API binds (loopback: it has no authentication)
 * @param httpPort       port of the push API (goim's 3111; 0 picks a free one)
 */
public record LogicConfig(boolean anonymous, Duration heartbeat, Duration routeTtl, Duration onlineTtl,
                          Duration onlineCacheTtl, String pushTopic, int pushPartitions, int maxBodyBytes,
                          int maxTargets, Duration accountTimeout, boolean httpEnabled, String httpHost,
                          int httpPort) {
    public LogicConfig {
        Objects.requireNonNull(heartbeat, "im.logic.heartbeat");
        Objects.requireNonNull(routeTtl, "im.logic.routeTtl");
        Objects.requireNonNull(onlineTtl, "im.logic.onlineTtl");
        Objects.requireNonNull(onlineCacheTtl, "im.logic.onlineCacheTtl");
        if (pushTopic == null || pushTopic.isBlank()) {
            throw new IllegalArgumentException("im.logic.pushTopic is required");
        }
        if (pushPartitions < 1) {
            throw new IllegalArgumentException("im.logic.pushPartitions must be positive");
        }
        if (accountTimeout == null || accountTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("im.logic.accountTimeout must be positive");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("im.logic.httpPort must be 0 to 65535");
        }
        Objects.requireNonNull(httpHost, "im.logic.httpHost");
        // the use cases check the rest
        connectionSettingsOf(anonymous, heartbeat, routeTtl, onlineTtl, onlineCacheTtl);
        new PushUsecase.Settings(maxBodyBytes, maxTargets);
    }

    /**
     * goim's shape with Bilibili live's pace: anonymous viewers allowed, 30 s heartbeats, routes kept 30 min, online
     * counts 90 s (comets renew every 10 s or so), sums cached 5 s; topic {@code im-push} with 8 partitions; 64 KiB
     * messages, 1,000 targets a call; account calls 2 s; the push API on 127.0.0.1:3111.
     */
    public static LogicConfig defaults() {
        ConnectionUsecase.Settings c = ConnectionUsecase.Settings.defaults();
        PushUsecase.Settings p = PushUsecase.Settings.defaults();
        return new LogicConfig(c.anonymous(), c.heartbeat(), c.routeTtl(), c.onlineTtl(), c.onlineCacheTtl(),
                "im-push", 8, p.maxBodyBytes(), p.maxTargets(), Duration.ofSeconds(2), true, "127.0.0.1", 3111);
    }

    /** A copy serving the push API on {@code port} (0: a free one). */
    public LogicConfig withHttpPort(int port) {
        return new LogicConfig(anonymous, heartbeat, routeTtl, onlineTtl, onlineCacheTtl, pushTopic, pushPartitions,
                maxBodyBytes, maxTargets, accountTimeout, httpEnabled, httpHost, port);
    }

    /** A copy publishing to {@code topic}. */
    public LogicConfig withPushTopic(String topic) {
        return new LogicConfig(anonymous, heartbeat, routeTtl, onlineTtl, onlineCacheTtl, topic, pushPartitions,
                maxBodyBytes, maxTargets, accountTimeout, httpEnabled, httpHost, httpPort);
    }

    public ConnectionUsecase.Settings connectionSettings() {
        return connectionSettingsOf(anonymous, heartbeat, routeTtl, onlineTtl, onlineCacheTtl);
    }

    public PushUsecase.Settings pushSettings() {
        return new PushUsecase.Settings(maxBodyBytes, maxTargets);
    }

    private static ConnectionUsecase.Settings connectionSettingsOf(boolean anonymous, Duration heartbeat,
                                                                   Duration routeTtl, Duration onlineTtl,
                                                                   Duration onlineCacheTtl) {
        return new ConnectionUsecase.Settings(anonymous, heartbeat, routeTtl, onlineTtl, onlineCacheTtl);
    }
}
