package dev.plaza.im.comet;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** All of a comet's buckets; a connection lives in the bucket its key hashes to. */
final class Buckets {
    private final Bucket[] buckets;

    Buckets(int count) {
        buckets = new Bucket[count];
        for (int i = 0; i < count; i++) {
            buckets[i] = new Bucket();
        }
    }

    Bucket bucket(String key) {
        int h = key.hashCode();
        // spread the high bits: keys often share long prefixes and differ at the end
        h ^= h >>> 16;
        return buckets[Math.floorMod(h, buckets.length)];
    }

    /** Registers a connection; an older connection with the same key is marked replaced and closed. */
    void register(Connection c) {
        Connection old = bucket(c.key()).put(c);
        if (old != null && old != c) {
            old.markReplaced();
            old.channel().close();
        }
    }

    void unregister(Connection c) {
        bucket(c.key()).remove(c);
    }

    /** Moves a connection to another room; called on its event loop, the only writer of its room. */
    void changeRoom(Connection c, String room) {
        Bucket b = bucket(c.key());
        b.leave(c.room(), c);
        c.room(room);
        b.join(room, c);
    }

    Connection get(String key) {
        return bucket(key).get(key);
    }

    int online(String room) {
        if (room.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (Bucket b : buckets) {
            n += b.online(room);
        }
        return n;
    }

    Map<String, Integer> rooms() {
        Map<String, Integer> counts = new HashMap<>();
        for (Bucket b : buckets) {
            b.countRooms(counts);
        }
        return counts;
    }

    void forEachMember(String room, Consumer<Connection> action) {
        for (Bucket b : buckets) {
            for (Connection c : b.members(room)) {
                action.accept(c);
            }
        }
    }

    void forEach(Consumer<Connection> action) {
        for (Bucket b : buckets) {
            for (Connection c : b.connections()) {
                action.accept(c);
            }
        }
    }

    int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.size();
        }
        return n;
    }
}
