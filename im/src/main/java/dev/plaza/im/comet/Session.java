package dev.plaza.im.comet;

import java.util.Objects;
import java.util.Set;

/**
 * Who is on a connection, as the listener resolved it at auth.
 *
 * @param mid     the account (0: an anonymous, read-only viewer)
 * @param key     the connection's key: pushes to keys find it by this, and a new connection with the same key
 *                replaces the old one; blank lets the comet make up a unique one
 * @param room    the room joined, {@code type://id}, or empty for none
 * @param accepts operations the connection wants from key and broadcast pushes (empty: all)
 */
public record Session(long mid, String key, String room, Set<Integer> accepts) {
    public Session {
        Objects.requireNonNull(key, "key");
        room = room == null ? "" : room;
        accepts = accepts == null ? Set.of() : Set.copyOf(accepts);
    }

    /** A copy with another key (the comet's own when the listener gave none). */
    public Session withKey(String newKey) {
        return new Session(mid, newKey, room, accepts);
    }

    /** Viewers without an account may watch but not send. */
    public boolean readOnly() {
        return mid == 0;
    }
}
