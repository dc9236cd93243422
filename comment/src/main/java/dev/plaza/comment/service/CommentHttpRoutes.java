package dev.plaza.comment.service;

import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.api.comment.v1.CountRequest;
import dev.plaza.api.comment.v1.DeleteRequest;
import dev.plaza.api.comment.v1.LikeRequest;
import dev.plaza.api.comment.v1.ListRepliesReply;
import dev.plaza.api.comment.v1.ListRepliesRequest;
import dev.plaza.api.comment.v1.ListRootsReply;
import dev.plaza.api.comment.v1.ListRootsRequest;
import dev.plaza.api.comment.v1.PinRequest;
import dev.plaza.api.comment.v1.PostReply;
import dev.plaza.api.comment.v1.PostRequest;
import dev.plaza.api.comment.v1.ReplyInfo;
import dev.plaza.api.comment.v1.ScrollRootsReply;
import dev.plaza.api.comment.v1.ScrollRootsRequest;
import dev.plaza.api.comment.v1.SetClosedRequest;
import dev.plaza.api.comment.v1.SubjectInfo;
import dev.plaza.comment.biz.CommentRules;
import dev.plaza.comment.biz.Member;
import dev.plaza.comment.biz.MemberDirectory;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import dev.plaza.kit.rpc.RpcCalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The interface (BFF) role of the comment system: Bilibili's {@code /x/v2/reply*} endpoints. It validates the
 * parameters, asks the comment service over gRPC (never the use cases directly: in distributed mode the service is
 * another process) and renders Bilibili's shapes, adding the members (names and avatars) from the account system.
 *
 * <p>Our extension: {@code POST /x/v2/reply/subject/close} ({@code type, oid, action} 1 close / 0 reopen) for the
 * video's owner or an admin.
 */
public final class CommentHttpRoutes implements HttpRoutes {
    private static final int DEVICE_MAX = 128;

    private final CommentGrpc.CommentBlockingStub comment;
    private final MemberDirectory members;

    public CommentHttpRoutes(CommentGrpc.CommentBlockingStub comment, MemberDirectory members) {
        this.comment = comment;
        this.members = members;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.get("/x/v2/reply", Access.OPTIONAL_USER, this::list);
        routes.get("/x/v2/reply/main", Access.OPTIONAL_USER, this::main);
        routes.get("/x/v2/reply/reply", Access.OPTIONAL_USER, this::replies);
        routes.get("/x/v2/reply/count", Access.PUBLIC, this::count);
        routes.post("/x/v2/reply/add", Access.USER, this::add);
        routes.post("/x/v2/reply/action", Access.USER, req -> act(req, false));
        routes.post("/x/v2/reply/hate", Access.USER, req -> act(req, true));
        routes.post("/x/v2/reply/del", Access.USER, this::del);
        routes.post("/x/v2/reply/top", Access.USER, this::top);
        routes.post("/x/v2/reply/subject/close", Access.USER, this::close);
    }

    // ---- reads ----

    private Object list(Request req) {
        int type = type(req);
        long oid = oid(req);
        int sort = req.intParam("sort", 0, 0, 3);
        int pn = req.intParam("pn", 1, 1, CommentRules.PAGE_NUMBER_MAX);
        int ps = req.intParam("ps", CommentRules.PAGE_SIZE_DEFAULT, 1, CommentRules.PAGE_SIZE_MAX);
        long reader = reader(req);
        ListRootsReply r = RpcCalls.callAs(reader, () -> comment.listRoots(ListRootsRequest.newBuilder().setType(type)
                .setOid(oid).setSort(sort).setPn(pn).setPs(ps).setMid(reader).build()));
        Map<Long, Member> who = members(r.getRepliesList(), r.hasTop() ? r.getTop() : null);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("num", pn);
        page.put("size", ps);
        page.put("count", r.getSubject().getRootCount());
        page.put("acount", r.getSubject().getAllCount());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("page", page);
        data.put("config", config(r.getSubject()));
        data.put("replies", items(r.getRepliesList(), who));
        data.put("upper", upper(r.getSubject(), r.hasTop() ? item(r.getTop(), who) : null));
        return data;
    }

    private Object main(Request req) {
        int type = type(req);
        long oid = oid(req);
        int mode = req.intParam("mode", 3, 0, 3);
        long next = req.longParam("next", 0, 0, CommentRules.PAGE_NUMBER_MAX);
        int ps = req.intParam("ps", CommentRules.PAGE_SIZE_DEFAULT, 1, CommentRules.PAGE_SIZE_MAX);
        long reader = reader(req);
        ScrollRootsReply r = RpcCalls.callAs(reader,
                () -> comment.scrollRoots(ScrollRootsRequest.newBuilder().setType(type)
                .setOid(oid).setMode(mode).setNext(next).setPs(ps).setMid(reader).build()));
        Map<Long, Member> who = members(r.getRepliesList(), r.hasTop() ? r.getTop() : null);
        long page = next == 0 ? 1 : next;
        Map<String, Object> cursor = new LinkedHashMap<>();
        cursor.put("is_begin", r.getIsBegin());
        cursor.put("prev", page - 1);
        cursor.put("next", r.getNext());
        cursor.put("is_end", r.getIsEnd());
        cursor.put("mode", mode == 2 ? 2 : 3);
        cursor.put("all_count", r.getSubject().getAllCount());
        cursor.put("name", mode == 2 ? "最新评论" : "热门评论");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cursor", cursor);
        data.put("config", config(r.getSubject()));
        data.put("replies", items(r.getRepliesList(), who));
        data.put("upper", upper(r.getSubject(), r.hasTop() ? item(r.getTop(), who) : null));
        return data;
    }

    private Object replies(Request req) {
        int type = type(req);
        long oid = oid(req);
        long root = req.longParam("root", 1, Long.MAX_VALUE);
        int pn = req.intParam("pn", 1, 1, CommentRules.PAGE_NUMBER_MAX);
        int ps = req.intParam("ps", CommentRules.PAGE_SIZE_DEFAULT, 1, CommentRules.PAGE_SIZE_MAX);
        long reader = reader(req);
        ListRepliesReply r = RpcCalls.callAs(reader,
                () -> comment.listReplies(ListRepliesRequest.newBuilder().setType(type)
                .setOid(oid).setRoot(root).setPn(pn).setPs(ps).setMid(reader).build()));
        Map<Long, Member> who = members(r.getRepliesList(), r.getRoot());
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("num", pn);
        page.put("size", ps);
        page.put("count", r.getRoot().getRcount());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("page", page);
        data.put("config", config(r.getSubject()));
        data.put("root", item(r.getRoot(), who));
        data.put("replies", items(r.getRepliesList(), who));
        data.put("upper", upper(r.getSubject(), null));
        return data;
    }

    private Object count(Request req) {
        int type = type(req);
        long oid = oid(req);
        int n = RpcCalls.callAs(0,
                () -> comment.count(CountRequest.newBuilder().setType(type).setOid(oid).build())).getCount();
        return Map.of("count", n);
    }

    // ---- writes ----

    private Object add(Request req) {
        Principal p = req.user();
        int type = type(req);
        long oid = oid(req);
        long root = req.longParam("root", 0, 0, Long.MAX_VALUE);
        long parent = req.longParam("parent", 0, 0, Long.MAX_VALUE);
        int plat = req.intParam("plat", 1, 1, 99);
        // the message goes to the service untouched: it checks emptiness (-400) and length (12025) itself
        String message = req.raw("message");
        PostReply r = RpcCalls.callAs(p.mid(), () -> comment.post(PostRequest.newBuilder().setType(type).setOid(oid)
                .setMid(p.mid()).setMessage(message == null ? "" : message).setRoot(root).setParent(parent)
                .setIp(nz(req.clientIp())).setPlatform(Integer.toString(plat))
                .setDevice(device(req)).build()));
        ReplyInfo reply = r.getReply();
        Map<Long, Member> who = members(List.of(reply), null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("success_action", 0);
        data.put("success_toast", r.getPendingReview() ? "发送成功，等待审核" : "发送成功");
        data.put("need_captcha", false);
        data.put("url", "");
        data.put("rpid", reply.getRpid());
        data.put("rpid_str", Long.toString(reply.getRpid()));
        data.put("dialog", reply.getDialog());
        data.put("dialog_str", Long.toString(reply.getDialog()));
        data.put("root", reply.getRoot());
        data.put("root_str", Long.toString(reply.getRoot()));
        data.put("parent", reply.getParent());
        data.put("parent_str", Long.toString(reply.getParent()));
        data.put("pending_review", r.getPendingReview());
        data.put("reply", item(reply, who));
        return data;
    }

    private Object act(Request req, boolean hate) {
        Principal p = req.user();
        LikeRequest like = LikeRequest.newBuilder().setType(type(req)).setOid(oid(req))
                .setRpid(req.longParam("rpid", 1, Long.MAX_VALUE)).setMid(p.mid())
                .setAction(req.intParam("action", 0, 1)).build();
        RpcCalls.callAs(p.mid(), () -> hate ? comment.hate(like) : comment.like(like));
        return null;
    }

    private Object del(Request req) {
        Principal p = req.user();
        DeleteRequest d = DeleteRequest.newBuilder().setType(type(req)).setOid(oid(req))
                .setRpid(req.longParam("rpid", 1, Long.MAX_VALUE)).setMid(p.mid()).setAdmin(p.admin()).build();
        RpcCalls.callAs(p.mid(), () -> comment.delete(d));
        return null;
    }

    private Object top(Request req) {
        Principal p = req.user();
        PinRequest pin = PinRequest.newBuilder().setType(type(req)).setOid(oid(req))
                .setRpid(req.longParam("rpid", 1, Long.MAX_VALUE)).setMid(p.mid())
                .setAction(req.intParam("action", 0, 1)).setAdmin(p.admin()).build();
        RpcCalls.callAs(p.mid(), () -> comment.pin(pin));
        return null;
    }

    private Object close(Request req) {
        Principal p = req.user();
        SetClosedRequest c = SetClosedRequest.newBuilder().setType(type(req)).setOid(oid(req)).setMid(p.mid())
                .setClosed(req.intParam("action", 0, 1) == 1).setAdmin(p.admin()).build();
        RpcCalls.callAs(p.mid(), () -> comment.setClosed(c));
        return null;
    }

    // ---- rendering ----

    private Map<Long, Member> members(List<ReplyInfo> replies, ReplyInfo extra) {
        Set<Long> mids = new LinkedHashSet<>();
        List<ReplyInfo> all = new ArrayList<>(replies);
        if (extra != null) {
            all.add(extra);
        }
        collectMids(all, mids);
        return mids.isEmpty() ? Map.of() : members.members(mids);
    }

    private static void collectMids(List<ReplyInfo> replies, Set<Long> into) {
        for (ReplyInfo r : replies) {
            into.add(r.getMid());
            into.addAll(r.getAtMidsList());
            collectMids(r.getRepliesList(), into);
        }
    }

    private static List<ReplyJson> items(List<ReplyInfo> replies, Map<Long, Member> who) {
        List<ReplyJson> out = new ArrayList<>(replies.size());
        for (ReplyInfo r : replies) {
            out.add(item(r, who));
        }
        return out;
    }

    /** A comment in Bilibili's shape ({@link ReplyJson}). */
    static ReplyJson item(ReplyInfo r, Map<Long, Member> who) {
        return new ReplyJson(r, who);
    }

    private static Map<String, Object> upper(SubjectInfo s, ReplyJson top) {
        Map<String, Object> upper = new LinkedHashMap<>();
        upper.put("mid", s.getOwnerMid());
        upper.put("top", top);
        return upper;
    }

    private static Map<String, Object> config(SubjectInfo s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("showfloor", 1);
        c.put("read_only", s.getClosed());
        return c;
    }

    // ---- parameters and calls ----

    private static int type(Request req) {
        return req.intParam("type", 1, Integer.MAX_VALUE);
    }

    private static long oid(Request req) {
        return req.longParam("oid", 1, Long.MAX_VALUE);
    }

    private static long reader(Request req) {
        return req.optionalUser().map(Principal::mid).orElse(0L);
    }

    /** The client's User-Agent, cut to what the content row keeps. */
    private static String device(Request req) {
        String ua = nz(req.header("User-Agent"));
        return ua.length() > DEVICE_MAX ? ua.substring(0, DEVICE_MAX) : ua;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
