package dev.plaza.im.logic.biz;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The routing table: mid -> {key: server} and key -> server. Entries expire unless renewed, so the routes of a comet
 * that died without saying goodbye go away by themselves.
 */
public interface RouteRepo {
    /** Registers the route (a mid of 0 gets only the key -> server entry); both entries live {@code ttl}. */
    void add(Route route, Duration ttl);

    /**
     * Renews the route's expiry, registering it again if it expired meanwhile.
     *
     * @return whether the key's route was still there
     */
    boolean renew(Route route, Duration ttl);

    /** @return whether the key's route existed (and pointed at the route's server) */
    boolean remove(Route route);

    /** The comet of each key that has a route; keys without one are left out. */
    Map<String, String> serversOfKeys(Collection<String> keys);

    /** Every connection key of the given users, with its comet. */
    Map<String, String> keysOfMids(Collection<Long> mids);
}
