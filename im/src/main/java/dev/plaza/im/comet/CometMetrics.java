package dev.plaza.im.comet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** The comet's meters. Tag values are fixed words, never keys or rooms. */
final class CometMetrics {
    static final String CONNECTIONS = "im.comet.connections";
    static final String DROPPED = "im.comet.packets.dropped";
    static final String AUTH_FAILURES = "im.comet.auth.failures";
    static final String PUSHES = "im.comet.pushes";
    static final String PROTOCOL_ERRORS = "im.comet.protocol.errors";

    /** Why an auth failed: the listener refused, it failed, anonymous viewers are off, bad auth packet, too slow. */
    static final String REFUSED = "refused";
    static final String ERROR = "error";
    static final String ANONYMOUS = "anonymous";
    static final String PROTOCOL = "protocol";
    static final String TIMEOUT = "timeout";

    private final MeterRegistry registry;
    final Counter dropped;
    final Counter protocolErrors;
    final Counter pushKeys;
    final Counter pushRoom;
    final Counter pushBroadcast;

    CometMetrics(MeterRegistry registry) {
        this.registry = registry;
        dropped = Counter.builder(DROPPED).description("packets dropped because a connection's send queue was full")
                .register(registry);
        protocolErrors = Counter.builder(PROTOCOL_ERRORS)
                .description("connections closed for breaking the protocol").register(registry);
        pushKeys = push("keys");
        pushRoom = push("room");
        pushBroadcast = push("broadcast");
    }

    <T> void connections(T state, ToDoubleFunction<T> count) {
        Gauge.builder(CONNECTIONS, state, count).description("authenticated connections").register(registry);
    }

    Counter authFailure(String reason) {
        return Counter.builder(AUTH_FAILURES).tag("reason", reason).register(registry);
    }

    private Counter push(String kind) {
        return Counter.builder(PUSHES).tag("kind", kind).description("push requests").register(registry);
    }
}
