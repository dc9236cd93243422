package dev.plaza.comment.admin;

import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The moderators' endpoints under {@code /x/admin/reply/}, admin role only (-101 anonymous, -403 not an admin).
 * Listings answer {@code data.page{pn,ps,total}} and {@code data.replies[]} in the field names of the public reply
 * API; actions answer {@code data{rpid,state,target,published}}. See the package notes for the whole list.
 */
public final class CommentAdminRoutes implements HttpRoutes {
    public static final String PREFIX = "/x/admin/reply/";
    static final int KEYWORD_MAX = 100;
    static final int TYPE_MAX = 10_000;

    private final CommentAdminUsecase usecase;

    public CommentAdminRoutes(CommentAdminUsecase usecase) {
        this.usecase = usecase;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.get(PREFIX + "search", Access.ADMIN, this::search);
        routes.get(PREFIX + "queue", Access.ADMIN, this::queue);
        routes.post(PREFIX + "hide", Access.ADMIN, r -> moderate(r, CommentAdminUsecase.Moderation.HIDE));
        routes.post(PREFIX + "restore", Access.ADMIN, r -> moderate(r, CommentAdminUsecase.Moderation.RESTORE));
        routes.post(PREFIX + "approve", Access.ADMIN, r -> moderate(r, CommentAdminUsecase.Moderation.APPROVE));
        routes.post(PREFIX + "del", Access.ADMIN, this::delete);
        routes.post(PREFIX + "top", Access.ADMIN, this::top);
        routes.post(PREFIX + "reindex", Access.ADMIN, this::reindex);
    }

    private Object search(Request req) {
        String keyword = req.optionalString("keyword", KEYWORD_MAX).orElse(null);
        Long mid = optionalLong(req, "mid", 1, Long.MAX_VALUE);
        Long oid = optionalLong(req, "oid", 1, Long.MAX_VALUE);
        Long type = optionalLong(req, "type", 1, TYPE_MAX);
        Long state = optionalLong(req, "state", 0, 3);
        Long from = optionalLong(req, "from", 0, Instant.MAX.getEpochSecond());
        Long to = optionalLong(req, "to", 0, Instant.MAX.getEpochSecond());
        int pn = req.intParam("pn", 1, 1, CommentSearchQuery.WINDOW_MAX);
        int ps = req.intParam("ps", 20, 1, CommentSearchQuery.PS_MAX);
        if (from != null && to != null && from > to) {
            throw AdminErrors.badQuery("parameter 'from' must not be after 'to'");
        }
        checkWindow(pn, ps);
        CommentSearchQuery q = new CommentSearchQuery(keyword, mid, oid, type == null ? null : type.intValue(),
                state == null ? null : state.intValue(),
                from == null ? null : Instant.ofEpochSecond(from),
                to == null ? null : Instant.ofEpochSecond(to), pn, ps, false);
        return page(usecase.search(q));
    }

    private Object queue(Request req) {
        Long oid = optionalLong(req, "oid", 1, Long.MAX_VALUE);
        Long type = optionalLong(req, "type", 1, TYPE_MAX);
        int pn = req.intParam("pn", 1, 1, CommentSearchQuery.WINDOW_MAX);
        int ps = req.intParam("ps", 20, 1, CommentSearchQuery.PS_MAX);
        checkWindow(pn, ps);
        return page(usecase.queue(type == null ? null : type.intValue(), oid, pn, ps));
    }

    private Object moderate(Request req, CommentAdminUsecase.Moderation action) {
        long operator = req.user().mid();
        SubjectKey key = subject(req);
        long rpid = req.longParam("rpid", 1, Long.MAX_VALUE);
        return action(usecase.moderate(key, rpid, action, operator));
    }

    private Object delete(Request req) {
        long operator = req.user().mid();
        SubjectKey key = subject(req);
        long rpid = req.longParam("rpid", 1, Long.MAX_VALUE);
        return action(usecase.delete(key, rpid, operator));
    }

    private Object top(Request req) {
        SubjectKey key = subject(req);
        long rpid = req.longParam("rpid", 1, Long.MAX_VALUE);
        int act = req.intParam("action", 1, 0, 1);
        return action(usecase.pin(key, rpid, act == 1));
    }

    private Object reindex(Request req) {
        IndexRebuilder.Result r = usecase.reindex();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("index", r.index());
        data.put("documents", r.documents());
        data.put("took_ms", r.took().toMillis());
        return data;
    }

    private static SubjectKey subject(Request req) {
        int type = req.intParam("type", 1, TYPE_MAX);
        long oid = req.longParam("oid", 1, Long.MAX_VALUE);
        return new SubjectKey(type, oid);
    }

    private static Long optionalLong(Request req, String name, long min, long max) {
        return req.raw(name) == null ? null : req.longParam(name, min, max);
    }

    private static void checkWindow(int pn, int ps) {
        if ((long) pn * ps > CommentSearchQuery.WINDOW_MAX) {
            throw AdminErrors.badQuery("pn * ps must be at most " + CommentSearchQuery.WINDOW_MAX
                    + "; narrow the search instead of paging this deep");
        }
    }

    private static Map<String, Object> action(CommentAdminUsecase.ActionResult r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rpid", r.rpid());
        data.put("rpid_str", Long.toString(r.rpid()));
        data.put("state", r.state());
        data.put("target", r.target());
        data.put("published", r.published());
        return data;
    }

    static Map<String, Object> page(CommentSearchPage p) {
        List<Map<String, Object>> replies = new ArrayList<>(p.items().size());
        for (CommentDoc d : p.items()) {
            replies.add(reply(d));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("pn", p.pn());
        page.put("ps", p.ps());
        page.put("total", p.total());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("page", page);
        data.put("replies", replies);
        return data;
    }

    /** A comment in the public API's field names (ctime in Unix seconds), plus {@code hate}. */
    static Map<String, Object> reply(CommentDoc d) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("message", d.message() == null ? "" : d.message());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rpid", d.rpid());
        // ids are snowflakes past 2^53: JavaScript clients need them as strings, as the public API gives them
        m.put("rpid_str", Long.toString(d.rpid()));
        m.put("oid", d.oid());
        m.put("type", d.type());
        m.put("mid", d.mid());
        m.put("root", d.root());
        m.put("root_str", Long.toString(d.root()));
        m.put("parent", d.parent());
        m.put("parent_str", Long.toString(d.parent()));
        m.put("dialog", d.dialog());
        m.put("floor", d.floor());
        m.put("state", d.state());
        m.put("attr", d.attrs());
        m.put("like", d.like());
        m.put("hate", d.hate());
        m.put("ctime", d.ctime() == null ? 0 : d.ctime().getEpochSecond());
        m.put("content", content);
        return m;
    }
}
