package dev.plaza.im.logic.biz;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pushes from other systems (goim's logic/push.go): resolve the targets to comets through the routing table and hand
 * one message per comet (keys, mids), per room or for everyone to the job. Input is checked before anything is
 * looked up or published, so a bad call publishes nothing; a call that answers has its messages durable.
 */
public final class PushUsecase {
    /** Longest connection key accepted in a push. */
    public static final int KEY_MAX = ConnectionUsecase.KEY_MAX;

    /**
     * @param maxBodyBytes largest message body
     * @param maxTargets   keys or mids per call at most
     */
    public record Settings(int maxBodyBytes, int maxTargets) {
        public Settings {
            if (maxBodyBytes < 1 || maxTargets < 1) {
                throw new IllegalArgumentException("maxBodyBytes and maxTargets must be positive");
            }
        }

        /** 64 KiB bodies, 1,000 keys or mids per call. */
        public static Settings defaults() {
            return new Settings(64 * 1024, 1000);
        }
    }

    private final RouteRepo routes;
    private final PushPublisher publisher;
    private final Settings settings;

    public PushUsecase(RouteRepo routes, PushPublisher publisher, Settings settings) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * To connections by key: one message per comet holding some of them. Keys without a route (gone, expired) are
     * skipped, as in goim.
     *
     * @return the messages published (comets reached)
     */
    public int pushKeys(Collection<String> keys, int op, byte[] body) {
        checkMessage(op, body);
        List<String> wanted = distinct(keys, "keys");
        for (String k : wanted) {
            if (k == null || k.isBlank() || k.length() > KEY_MAX) {
                throw ImErrors.badParameter("keys", "each key must be 1 to " + KEY_MAX + " characters");
            }
        }
        return publishByServer(routes.serversOfKeys(wanted), op, body);
    }

    /**
     * To every connection of the given users: one message per comet holding some of their connections.
     *
     * @return the messages published (comets reached)
     */
    public int pushMids(Collection<Long> mids, int op, byte[] body) {
        checkMessage(op, body);
        List<Long> wanted = distinct(mids, "mids");
        for (Long m : wanted) {
            if (m == null || m <= 0) {
                throw ImErrors.badParameter("mids", "each mid must be positive");
            }
        }
        return publishByServer(routes.keysOfMids(wanted), op, body);
    }

    /** To everyone in {@code room} (type://id), on every comet; one message, kept in order with the room's others. */
    public void pushRoom(String room, int op, byte[] body) {
        checkMessage(op, body);
        Rooms.require(room, "room");
        publisher.publish(List.of(new Push.Room(room, op, body)));
    }

    /** To every connection, at most {@code speed} connections a second in all (0: as fast as the comets go). */
    public void pushAll(int op, byte[] body, int speed) {
        checkMessage(op, body);
        if (speed < 0) {
            throw ImErrors.badParameter("speed", "must not be negative");
        }
        publisher.publish(List.of(new Push.Broadcast(op, body, speed)));
    }

    private int publishByServer(Map<String, String> keyToServer, int op, byte[] body) {
        Map<String, List<String>> byServer = new LinkedHashMap<>();
        keyToServer.forEach((key, server) -> byServer.computeIfAbsent(server, s -> new ArrayList<>()).add(key));
        if (byServer.isEmpty()) {
            return 0;
        }
        List<Push> pushes = new ArrayList<>(byServer.size());
        byServer.forEach((server, keys) -> pushes.add(new Push.Keys(server, keys, op, body)));
        publisher.publish(pushes);
        return pushes.size();
    }

    private void checkMessage(int op, byte[] body) {
        if (op <= 0) {
            throw ImErrors.badParameter("operation", "must be positive");
        }
        if (body == null || body.length == 0) {
            throw ImErrors.badParameter("body", "is required (the message)");
        }
        if (body.length > settings.maxBodyBytes()) {
            throw ImErrors.badParameter("body", "must be at most " + settings.maxBodyBytes() + " bytes, got "
                    + body.length);
        }
    }

    private <T> List<T> distinct(Collection<T> targets, String name) {
        if (targets == null || targets.isEmpty()) {
            throw ImErrors.badParameter(name, "at least one is required");
        }
        if (targets.size() > settings.maxTargets()) {
            throw ImErrors.badParameter(name, "at most " + settings.maxTargets() + " per call");
        }
        return new ArrayList<>(new LinkedHashSet<>(targets));
    }
}
