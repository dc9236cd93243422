package dev.plaza.im.comet;

import dev.plaza.im.protocol.Auth;
import java.util.Map;

/**
 * What a comet asks of and tells the logic service: who a connection is, and who is still there. Logic implements it
 * over gRPC; the comet calls it off its event loops (on virtual threads), so implementations may block.
 *
 * <p>Anonymous viewers (mid 0 and no key) never reach {@link #connect}: the comet admits or refuses them by its
 * {@link CometConfig#allowAnonymous} alone, since there is nothing to look up and nothing to route to them.
 */
public interface CometListener {
    /**
     * Authenticates a connection's auth packet.
     *
     * @return the session to bind the connection to
     * @throws AuthRefusedException to refuse (any other exception refuses too, counted as an error): the comet closes
     *                              the connection
     */
    Session connect(Auth auth);

    /** The connection of a session that {@link #connect} admitted has gone (not called when a newer one replaced it). */
    void disconnect(Session session);

    /** The connection is alive; called on its first heartbeat and then at most once per heartbeat timeout. */
    void heartbeat(Session session);

    /** The online count of every room with someone in it on this comet, reported periodically. */
    void online(Map<String, Integer> roomCounts);
}
