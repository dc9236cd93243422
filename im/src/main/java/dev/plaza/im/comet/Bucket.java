package dev.plaza.im.comet;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shard of a comet's connections (goim's bucket): key -> connection, and room id -> the connections in that room.
 * Sharding keeps the maps small and their contention low when thousands connect at once.
 *
 * <p>Rooms are created and removed inside {@link ConcurrentHashMap#compute}, so a join never lands in a room set that
 * a concurrent leave is dropping.
 */
final class Bucket {
    private final ConcurrentHashMap<String, Connection> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection>> rooms = new ConcurrentHashMap<>();

    /** Adds a connection under its key and into its room; returns the one it replaced, if any. */
    Connection put(Connection c) {
        Connection old = keys.put(c.key(), c);
        join(c.room(), c);
        return old;
    }

    /** Removes a connection, unless a newer one holds its key by now (only leaving its room then). */
    void remove(Connection c) {
        keys.remove(c.key(), c);
        leave(c.room(), c);
    }

    Connection get(String key) {
        return keys.get(key);
    }

    void join(String room, Connection c) {
        if (room.isEmpty()) {
            return;
        }
        rooms.compute(room, (id, members) -> {
            Set<Connection> m = members == null ? ConcurrentHashMap.newKeySet() : members;
            m.add(c);
            return m;
        });
    }

    void leave(String room, Connection c) {
        if (room.isEmpty()) {
            return;
        }
        rooms.computeIfPresent(room, (id, members) -> {
            members.remove(c);
            return members.isEmpty() ? null : members;
        });
    }

    /** The room's members here (a live, weakly consistent view), empty when none. */
    Collection<Connection> members(String room) {
        Set<Connection> m = rooms.get(room);
        return m == null ? Set.of() : m;
    }

    int online(String room) {
        Set<Connection> m = rooms.get(room);
        return m == null ? 0 : m.size();
    }

    void countRooms(Map<String, Integer> into) {
        rooms.forEach((room, members) -> {
            int n = members.size();
            if (n > 0) {
                into.merge(room, n, Integer::sum);
            }
        });
    }

    Collection<Connection> connections() {
        return keys.values();
    }

    int size() {
        return keys.size();
    }
}
