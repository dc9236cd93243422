package dev.plaza.im.comet;

import dev.plaza.im.protocol.Auth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logic's stand-in. Tokens look like {@code ok:<mid>} or {@code ok:<mid>:<device>}; the connection key is
 * {@code key:<token>}, so the same token twice is the same key. Token {@code boom} fails; anything else is refused.
 */
final class FakeListener implements CometListener {
    final List<Auth> auths = new CopyOnWriteArrayList<>();
    final List<Session> connects = new CopyOnWriteArrayList<>();
    final List<Session> disconnects = new CopyOnWriteArrayList<>();
    final List<Session> heartbeats = new CopyOnWriteArrayList<>();
    final List<Map<String, Integer>> onlines = new CopyOnWriteArrayList<>();

    static String key(String token) {
        return "key:" + token;
    }

    @Override
    public Session connect(Auth auth) {
        auths.add(auth);
        String token = auth.key();
        if (token.equals("boom")) {
            throw new IllegalStateException("logic is down");
        }
        if (!token.startsWith("ok:")) {
            throw new AuthRefusedException("unknown token");
        }
        long mid = Long.parseLong(token.split(":")[1]);
        Session s = new Session(mid, key(token), auth.room(), auth.accepts());
        connects.add(s);
        return s;
    }

    @Override
    public void disconnect(Session session) {
        disconnects.add(session);
    }

    @Override
    public void heartbeat(Session session) {
        heartbeats.add(session);
    }

    @Override
    public void online(Map<String, Integer> roomCounts) {
        onlines.add(roomCounts);
    }
}
