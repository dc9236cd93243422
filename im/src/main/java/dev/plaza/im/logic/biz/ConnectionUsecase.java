package dev.plaza.im.logic.biz;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the comets ask of logic about their connections (goim's logic/conn.go and online.go): authenticate and route a
 * new connection, keep its route alive, drop it, and trade per-room online counts.
 */
public final class ConnectionUsecase {
    /** Longest comet id accepted. */
    public static final int SERVER_MAX = 64;
    /** Longest connection key accepted (ours are 36-character UUIDs). */
    public static final int KEY_MAX = 128;
    /** Rooms one comet may report at once. */
    public static final int ROOMS_MAX = 100_000;

    /**
     * @param anonymous      accept connections without a token (as mid 0): live rooms are watched logged out
     * @param heartbeat      the interval between client heartbeats the comet should expect
     * @param routeTtl       how long a route lives without a heartbeat
     * @param onlineTtl      how long a comet's online counts live without a renewal
     * @param onlineCacheTtl how long the sum over all comets is reused before Redis is read again (zero: every call)
     */
    public record Settings(boolean anonymous, Duration heartbeat, Duration routeTtl, Duration onlineTtl,
                           Duration onlineCacheTtl) {
        public Settings {
            if (heartbeat.toSeconds() < 1 || routeTtl.toSeconds() < 1 || onlineTtl.toSeconds() < 1) {
                throw new IllegalArgumentException("heartbeat, routeTtl and onlineTtl must be at least 1 s");
            }
            if (onlineCacheTtl.isNegative()) {
                throw new IllegalArgumentException("onlineCacheTtl must not be negative");
            }
        }

        /** Anonymous viewers welcome, 30 s heartbeats, routes kept 30 min, counts 90 s, sum cached 5 s. */
        public static Settings defaults() {
            return new Settings(true, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(90),
                    Duration.ofSeconds(5));
        }
    }

    private record Totals(Instant at, Map<String, Integer> online) {
    }

    private final TokenResolver tokens;
    private final RouteRepo routes;
    private final OnlineRepo online;
    private final Settings settings;
    private final Clock clock;
    /** One reader refreshes the cached sum; the others keep answering the previous one meanwhile. */
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Totals totals;

    public ConnectionUsecase(TokenResolver tokens, RouteRepo routes, OnlineRepo online, Settings settings, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.online = Objects.requireNonNull(online, "online");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Authenticates a connection on comet {@code server} and registers its route under a fresh key.
     *
     * @param token      the account token, or "" for an anonymous viewer
     * @param claimedMid the mid the client says it is; 0 when it does not say (or is anonymous)
     * @param room       the room to join, or "" for none
     * @throws dev.plaza.kit.errors.PlazaError -101 for a bad token, a mid that is not the token's, or no token where
     *                                         anonymous viewers are refused; -400 for a bad server or room
     */
    public Connection connect(String server, String token, long claimedMid, String room) {
        requireServer(server);
        String joined = room == null ? "" : room;
        if (!joined.isEmpty()) {
            Rooms.require(joined, "room");
        }
        if (claimedMid < 0) {
            throw ImErrors.badParameter("mid", "must not be negative");
        }
        long mid;
        if (token == null || token.isEmpty()) {
            if (claimedMid != 0) {
                throw ImErrors.tokenInvalid("mid " + claimedMid + " needs a token");
            }
            if (!settings.anonymous()) {
                throw ImErrors.tokenInvalid("anonymous connections are not allowed; log in");
            }
            mid = 0;
        } else {
            OptionalLong resolved = tokens.resolve(token);
            if (resolved.isEmpty()) {
                throw ImErrors.tokenInvalid("session is invalid or expired");
            }
            mid = resolved.getAsLong();
            if (claimedMid != 0 && claimedMid != mid) {
                throw ImErrors.midMismatch(claimedMid);
            }
        }
        String key = UUID.randomUUID().toString();
        routes.add(new Route(mid, key, server), settings.routeTtl());
        return new Connection(mid, key, joined, (int) settings.heartbeat().toSeconds());
    }

    /** @return whether the connection's route was still registered */
    public boolean disconnect(long mid, String key, String server) {
        return routes.remove(route(mid, key, server));
    }

    /**
     * Keeps the connection's route alive for another route ttl; a route that expired meanwhile (a long pause of the
     * comet) is registered again, so a live connection never stays unreachable.
     *
     * @return whether the route was still there
     */
    public boolean heartbeat(long mid, String key, String server) {
        return routes.renew(route(mid, key, server), settings.routeTtl());
    }

    /**
     * Stores comet {@code server}'s counts per room and answers the counts summed over every live comet. The sum is
     * cached for {@link Settings#onlineCacheTtl()}: each comet renews every few seconds, so reading every comet's
     * counts on every renewal would cost comets x comets reads per period for numbers that are estimates anyway.
     */
    public Map<String, Integer> renewOnline(String server, Map<String, Integer> rooms) {
        requireServer(server);
        if (rooms.size() > ROOMS_MAX) {
            throw ImErrors.badParameter("online", "at most " + ROOMS_MAX + " rooms per call");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<String, Integer> e : rooms.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getKey().length() > Rooms.MAX_LENGTH) {
                throw ImErrors.badParameter("online", "room names must be 1 to " + Rooms.MAX_LENGTH + " characters");
            }
            if (e.getValue() == null || e.getValue() < 0) {
                throw ImErrors.badParameter("online", "counts must not be negative");
            }
            if (e.getValue() > 0) {
                counts.put(e.getKey(), e.getValue());
            }
        }
        online.put(server, counts, settings.onlineTtl());
        return onlineTotals();
    }

    /** The online counts per room summed over every live comet (cached, see {@link #renewOnline}). */
    public Map<String, Integer> onlineTotals() {
        Totals t = totals;
        if (t != null && fresh(t)) {
            return t.online();
        }
        if (t != null && !refreshing.tryLock()) {
            return t.online(); // someone is reading Redis right now: the previous sum will do until then
        }
        if (t == null) {
            refreshing.lock();
        }
        try {
            Totals again = totals;
            if (again != null && again != t && fresh(again)) {
                return again.online();
            }
            Instant at = clock.instant();
            Map<String, Integer> sum = new HashMap<>();
            online.all().values().forEach(perServer -> perServer.forEach((room, n) -> sum.merge(room, n, Integer::sum)));
            Totals loaded = new Totals(at, Map.copyOf(sum));
            totals = loaded;
            return loaded.online();
        } finally {
            refreshing.unlock();
        }
    }

    private boolean fresh(Totals t) {
        return clock.instant().isBefore(t.at().plus(settings.onlineCacheTtl()));
    }

    private static Route route(long mid, String key, String server) {
        requireServer(server);
        if (key == null || key.isBlank() || key.length() > KEY_MAX) {
            throw ImErrors.badParameter("key", "must be 1 to " + KEY_MAX + " characters");
        }
        if (mid < 0) {
            throw ImErrors.badParameter("mid", "must not be negative");
        }
        return new Route(mid, key, server);
    }

    private static void requireServer(String server) {
        if (server == null || server.isBlank() || server.length() > SERVER_MAX) {
            throw ImErrors.badParameter("server", "must be 1 to " + SERVER_MAX + " characters");
        }
    }
}
