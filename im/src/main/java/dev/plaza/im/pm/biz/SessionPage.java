package dev.plaza.im.pm.biz;

import java.util.List;

/** One page of a user's sessions, newest first; {@code hasMore}: older ones follow. */
public record SessionPage(List<Session> sessions, boolean hasMore) {
    public SessionPage {
        sessions = List.copyOf(sessions);
    }
}
