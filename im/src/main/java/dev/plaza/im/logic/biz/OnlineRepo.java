package dev.plaza.im.logic.biz;

import java.time.Duration;
import java.util.Map;

/** Per-comet online counts ({@code server -> {room: count}}); a comet's counts expire unless it renews them. */
public interface OnlineRepo {
    /** Replaces the comet's counts; they live {@code ttl}. */
    void put(String server, Map<String, Integer> rooms, Duration ttl);

    /** The counts of every comet that renewed within its ttl, by comet. */
    Map<String, Map<String, Integer>> all();
}
