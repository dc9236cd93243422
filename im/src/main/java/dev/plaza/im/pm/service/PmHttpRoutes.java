package dev.plaza.im.pm.service;

import dev.plaza.im.pm.biz.MessagePage;
import dev.plaza.im.pm.biz.PmConfig;
import dev.plaza.im.pm.biz.PmErrors;
import dev.plaza.im.pm.biz.PmPushBody;
import dev.plaza.im.pm.biz.PmUsecase;
import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.im.pm.biz.SendMessage;
import dev.plaza.im.pm.biz.Session;
import dev.plaza.im.pm.biz.SessionPage;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bilibili's private-message web paths (all for a logged-in user; the edge checks csrf on writes of cookie sessions):
 *
 * <ul>
 *   <li>{@code POST /web_im/v1/web_im/send_msg} ({@code msg[sender_uid]} optional but then the caller's own mid,
 *   {@code msg[receiver_id]}, {@code msg[receiver_type]}, {@code msg[msg_type]} 1 text / 5 recall,
 *   {@code msg[content]}; {@code msg[dev_id]}, {@code msg[timestamp]}, {@code msg[new_face_version]} ignored): the
 *   stored message's key, seqno and content.</li>
 *   <li>{@code GET /session_svr/v1/session_svr/get_sessions} (session_type = 1, size = 20, end_ts µs = 0): the
 *   caller's sessions, newest first. Types 1 (users) and 4 (all) list the user sessions; 2 and 3 (notices, fan
 *   groups) are sessions Plaza does not have and answer an empty list.</li>
 *   <li>{@code GET /session_svr/v1/session_svr/session_detail} (talker_id, session_type = 1): one session, -404 when
 *   the two never talked.</li>
 *   <li>{@code GET /svr_sync/v1/svr_sync/fetch_session_msgs} (talker_id, session_type = 1, begin_seqno = 0,
 *   end_seqno = 0, size = 20): one page of the conversation, newest first.</li>
 *   <li>{@code POST /session_svr/v1/session_svr/update_ack} (talker_id, session_type = 1, ack_seqno): marks read;
 *   no data.</li>
 *   <li>{@code POST /x/relation/modify} (fid, act 5 block / 6 unblock; re_src ignored): no data. The follow acts
 *   (1-4, 7) belong to a relation system Plaza does not have.</li>
 *   <li>{@code GET /x/relation} (fid): Bilibili's relation object; {@code attribute} 128 when the caller blocked fid,
 *   else 0 (no follows in Plaza).</li>
 * </ul>
 */
public final class PmHttpRoutes implements HttpRoutes {
    static final int ACT_BLOCK = 5;
    static final int ACT_UNBLOCK = 6;
    /** Bilibili's relation attribute of a blocked user. */
    static final int ATTRIBUTE_BLOCKED = 128;

    private final PmUsecase pm;

    public PmHttpRoutes(PmUsecase pm) {
        this.pm = Objects.requireNonNull(pm, "pm");
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/web_im/v1/web_im/send_msg", Access.USER, this::send);
        routes.get("/session_svr/v1/session_svr/get_sessions", Access.USER, this::sessions);
        routes.get("/session_svr/v1/session_svr/session_detail", Access.USER, this::sessionDetail);
        routes.get("/svr_sync/v1/svr_sync/fetch_session_msgs", Access.USER, this::fetch);
        routes.post("/session_svr/v1/session_svr/update_ack", Access.USER, this::ack);
        routes.post("/x/relation/modify", Access.USER, this::modifyRelation);
        routes.get("/x/relation", Access.USER, this::relation);
    }

    private Object send(Request req) {
        Principal user = req.user();
        if (req.raw("msg[sender_uid]") != null
                && req.longParam("msg[sender_uid]", Long.MIN_VALUE, Long.MAX_VALUE) != user.mid()) {
            throw PmErrors.badParameter("msg[sender_uid]", "must be the logged-in user's mid");
        }
        long receiverId = req.longParam("msg[receiver_id]", Long.MIN_VALUE, Long.MAX_VALUE);
        int receiverType = req.intParam("msg[receiver_type]", Integer.MIN_VALUE, Integer.MAX_VALUE);
        int msgType = req.intParam("msg[msg_type]", Integer.MIN_VALUE, Integer.MAX_VALUE);
        String content = req.raw("msg[content]");
        PrivateMessage m = pm.send(new SendMessage(user.mid(), receiverId, receiverType, msgType, content));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("msg_key", m.msgKey());
        data.put("msg_key_str", Long.toString(m.msgKey()));
        data.put("msg_seqno", m.seqno());
        data.put("msg_content", m.content());
        data.put("key_hit_infos", Map.of());
        return data;
    }

    private Object sessions(Request req) {
        Principal user = req.user();
        int sessionType = req.intParam("session_type", Session.TYPE_USER, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int size = req.intParam("size", PmConfig.PAGE_DEFAULT, Integer.MIN_VALUE, Integer.MAX_VALUE);
        long endTs = req.longParam("end_ts", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        List<Map<String, Object>> list = new ArrayList<>();
        boolean more = false;
        switch (sessionType) {
            case 1, 4 -> {
                SessionPage page = pm.sessions(user.mid(), endTs, size);
                for (Session s : page.sessions()) {
                    list.add(session(s));
                }
                more = page.hasMore();
            }
            case 2, 3 -> {
                // notices and fan groups: Plaza has no such sessions
            }
            default -> throw PmErrors.badParameter("session_type", "must be 1 (users), 2, 3 or 4 (all)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("session_list", list);
        data.put("has_more", more ? 1 : 0);
        return data;
    }

    private Object sessionDetail(Request req) {
        Principal user = req.user();
        long talker = req.longParam("talker_id", Long.MIN_VALUE, Long.MAX_VALUE);
        int sessionType = sessionType(req);
        return pm.session(user.mid(), talker, sessionType).map(PmHttpRoutes::session)
                .orElseThrow(() -> PmErrors.sessionNotFound(talker));
    }

    private Object fetch(Request req) {
        Principal user = req.user();
        long talker = req.longParam("talker_id", Long.MIN_VALUE, Long.MAX_VALUE);
        int sessionType = sessionType(req);
        long begin = req.longParam("begin_seqno", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        long end = req.longParam("end_seqno", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int size = req.intParam("size", PmConfig.PAGE_DEFAULT, Integer.MIN_VALUE, Integer.MAX_VALUE);
        MessagePage page = pm.fetch(user.mid(), talker, sessionType, begin, end, size);
        List<Map<String, Object>> messages = new ArrayList<>(page.messages().size());
        for (PrivateMessage m : page.messages()) {
            messages.add(PmPushBody.fields(m));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messages", messages);
        data.put("has_more", page.hasMore() ? 1 : 0);
        data.put("min_seqno", page.minSeqno());
        data.put("max_seqno", page.maxSeqno());
        data.put("e_infos", List.of());
        return data;
    }

    private Object ack(Request req) {
        Principal user = req.user();
        long talker = req.longParam("talker_id", Long.MIN_VALUE, Long.MAX_VALUE);
        int sessionType = sessionType(req);
        long ackSeqno = req.longParam("ack_seqno", Long.MIN_VALUE, Long.MAX_VALUE);
        pm.ack(user.mid(), talker, sessionType, ackSeqno);
        return null;
    }

    private Object modifyRelation(Request req) {
        Principal user = req.user();
        long fid = req.longParam("fid", Long.MIN_VALUE, Long.MAX_VALUE);
        int act = req.intParam("act", Integer.MIN_VALUE, Integer.MAX_VALUE);
        switch (act) {
            case ACT_BLOCK -> pm.block(user.mid(), fid);
            case ACT_UNBLOCK -> pm.unblock(user.mid(), fid);
            default -> throw PmErrors.badParameter("act", "only 5 (block) and 6 (unblock) are supported here");
        }
        return null;
    }

    private Object relation(Request req) {
        Principal user = req.user();
        long fid = req.longParam("fid", Long.MIN_VALUE, Long.MAX_VALUE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mid", fid);
        out.put("attribute", pm.blockedByMe(user.mid(), fid) ? ATTRIBUTE_BLOCKED : 0);
        out.put("mtime", 0);
        out.put("tag", null);
        out.put("special", 0);
        return out;
    }

    /** session_type of the per-conversation paths; the use case refuses anything but 1. */
    private static int sessionType(Request req) {
        return req.intParam("session_type", Session.TYPE_USER, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** Bilibili's session object. */
    static Map<String, Object> session(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("talker_id", s.talkerMid());
        m.put("session_type", Session.TYPE_USER);
        m.put("at_seqno", 0);
        m.put("top_ts", 0);
        m.put("group_name", "");
        m.put("group_cover", "");
        m.put("is_follow", 0);
        m.put("is_dnd", 0);
        m.put("ack_seqno", s.ackSeqno());
        m.put("ack_ts", s.ackTsMicros());
        m.put("session_ts", s.tsMicros());
        m.put("unread_count", s.unread());
        m.put("last_msg", s.lastMsg() == null ? null : PmPushBody.fields(s.lastMsg()));
        m.put("group_type", 0);
        m.put("can_fold", 0);
        m.put("status", 0);
        m.put("max_seqno", s.maxSeqno());
        m.put("new_push_msg", 0);
        m.put("setting", 0);
        m.put("is_guardian", 0);
        m.put("is_intercept", 0);
        m.put("is_trust", 0);
        m.put("system_msg_type", 0);
        m.put("live_status", 0);
        m.put("biz_msg_unread_count", 0);
        return m;
    }
}
