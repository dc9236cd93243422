package dev.plaza.im.logic.service;

import dev.plaza.im.logic.biz.ImErrors;
import dev.plaza.im.logic.biz.PushUsecase;
import dev.plaza.im.logic.biz.Rooms;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * goim's HTTP push API (internal/logic/http), answered in the Plaza envelope:
 *
 * <ul>
 *   <li>{@code POST /goim/push/keys?operation=&keys=a,b}</li>
 *   <li>{@code POST /goim/push/mids?operation=&mids=1,2}</li>
 *   <li>{@code POST /goim/push/room?operation=&type=live&room=1000} (room {@code live://1000})</li>
 *   <li>{@code POST /goim/push/all?operation=&speed=}</li>
 * </ul>
 *
 * The request body is the message, as raw bytes. Parameters are read from the query string only: a body that
 * happens to look like a form is still the message. The routes are public, for other systems of the site: the wiring
 * serves them on their own edge bound to loopback.
 */
public final class LogicHttpRoutes implements HttpRoutes {
    /** Longest comma-separated target list accepted before it is even split. */
    private static final int LIST_CHARS_MAX = 200_000;

    private final PushUsecase pushes;

    public LogicHttpRoutes(PushUsecase pushes) {
        this.pushes = pushes;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/goim/push/keys", Access.PUBLIC, this::keys);
        routes.post("/goim/push/mids", Access.PUBLIC, this::mids);
        routes.post("/goim/push/room", Access.PUBLIC, this::room);
        routes.post("/goim/push/all", Access.PUBLIC, this::all);
    }

    // Each handler reads the body before checking anything: a request refused with its body unread can leave the
    // connection unusable for the client's next request (the server may close it instead of draining the body).

    private Object keys(Request req) {
        byte[] body = body(req);
        int op = operation(req);
        List<String> keys = list(req, "keys");
        pushes.pushKeys(keys, op, body);
        return null;
    }

    private Object mids(Request req) {
        byte[] body = body(req);
        int op = operation(req);
        List<Long> mids = new ArrayList<>();
        for (String m : list(req, "mids")) {
            mids.add(parseLong("mids", m));
        }
        pushes.pushMids(mids, op, body);
        return null;
    }

    private Object room(Request req) {
        byte[] body = body(req);
        int op = operation(req);
        String room = Rooms.of(query(req, "type"), query(req, "room"), "room");
        pushes.pushRoom(room, op, body);
        return null;
    }

    private Object all(Request req) {
        byte[] body = body(req);
        int op = operation(req);
        String speed = query(req, "speed");
        int s = speed == null ? 0 : (int) Math.min(Integer.MAX_VALUE, parseLong("speed", speed));
        pushes.pushAll(op, body, s);
        return null;
    }

    private static byte[] body(Request req) {
        return req.context().bodyAsBytes();
    }

    private static int operation(Request req) {
        String v = query(req, "operation");
        if (v == null) {
            throw ImErrors.badParameter("operation", "is required");
        }
        long op = parseLong("operation", v);
        if (op > Integer.MAX_VALUE || op < Integer.MIN_VALUE) {
            throw ImErrors.badParameter("operation", "is out of range");
        }
        return (int) op;
    }

    private static List<String> list(Request req, String name) {
        String v = query(req, name);
        if (v == null) {
            throw ImErrors.badParameter(name, "is required (comma-separated)");
        }
        if (v.length() > LIST_CHARS_MAX) {
            throw ImErrors.badParameter(name, "is too long");
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String t = part.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static String query(Request req, String name) {
        String v = req.context().queryParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw ImErrors.badParameter(name, "must be an integer");
        }
    }
}
