package dev.plaza.im.live.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaza.im.live.biz.Danmaku;
import dev.plaza.im.live.biz.DanmakuUsecase;
import dev.plaza.im.live.biz.SendDanmaku;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Bilibili's live-room chat paths:
 *
 * <ul>
 *   <li>{@code POST /msg/send} (roomid, msg, color decimal RGB = 16777215, mode 1/4/5 = 1, fontsize = 25, rnd):
 *   logged in (the edge checks csrf for cookie sessions); answers {@code mode_info} with the sent danmaku as
 *   {@code extra} JSON, as Bilibili does.</li>
 *   <li>{@code GET /xlive/web-room/v1/dM/gethistory} (roomid): {@code room[]} the last danmaku, newest last, and
 *   {@code admin[]} (empty).</li>
 * </ul>
 */
public final class LiveHttpRoutes implements HttpRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMELINE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * A comet clients may connect to, as {@code getDanmuInfo} lists it.
     *
     * @param tcpPort the goim / Bilibili TCP port, -1 when off
     * @param wsPort  the WebSocket port ({@code /sub}), -1 when off
     */
    public record CometHost(String host, int tcpPort, int wsPort) {
    }

    private final DanmakuUsecase danmaku;
    private final DateTimeFormatter timeline;
    private final Supplier<List<CometHost>> comets;

    /**
     * @param zone   the zone of {@code timeline} in history answers (Bilibili's is Asia/Shanghai)
     * @param comets the comets clients may connect to now
     */
    public LiveHttpRoutes(DanmakuUsecase danmaku, ZoneId zone, Supplier<List<CometHost>> comets) {
        this.danmaku = Objects.requireNonNull(danmaku, "danmaku");
        this.timeline = TIMELINE.withZone(Objects.requireNonNull(zone, "zone"));
        this.comets = Objects.requireNonNull(comets, "comets");
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/msg/send", Access.USER, this::send);
        routes.get("/xlive/web-room/v1/dM/gethistory", Access.PUBLIC, this::history);
        routes.get("/xlive/web-room/v1/index/getDanmuInfo", Access.PUBLIC, this::danmuInfo);
    }

    /**
     * Where a room's long connections go, in Bilibili's layout; the client authenticates with its session token
     * as {@code key}, or a browser with an empty key and its session cookie (the {@code token} here is empty:
     * Plaza needs no separate connection token).
     */
    private Object danmuInfo(Request req) {
        req.longParam("id", 1, Long.MAX_VALUE); // a room id, as Bilibili requires, though every comet serves every room
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (CometHost c : comets.get()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("host", c.host());
            h.put("port", c.tcpPort());
            h.put("wss_port", 0);
            h.put("ws_port", c.wsPort());
            hosts.add(h);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("group", "live");
        data.put("business_id", 0);
        data.put("refresh_row_factor", 0.125);
        data.put("refresh_rate", 100);
        data.put("max_delay", 5000);
        data.put("token", "");
        data.put("host_list", hosts);
        return data;
    }

    private Object send(Request req) {
        Principal user = req.user();
        long roomId = req.longParam("roomid", Long.MIN_VALUE, Long.MAX_VALUE);
        String msg = req.raw("msg");
        long color = req.longParam("color", DanmakuUsecase.DEFAULT_COLOR, Long.MIN_VALUE, Long.MAX_VALUE);
        int mode = req.intParam("mode", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int fontSize = req.intParam("fontsize", 25, Integer.MIN_VALUE, Integer.MAX_VALUE);
        long rnd = req.longParam("rnd", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Danmaku d = danmaku.send(new SendDanmaku(user.mid(), user.name(), roomId, msg, color, mode, fontSize, rnd));
        ObjectNode extra = JSON.createObjectNode();
        extra.put("send_from_me", true).put("mode", d.mode()).put("color", d.color()).put("dm_type", 0)
                .put("font_size", d.fontSize()).put("content", d.text()).put("id_str", d.id());
        Map<String, Object> modeInfo = new LinkedHashMap<>();
        modeInfo.put("mode", d.mode());
        modeInfo.put("show_player_type", 0);
        modeInfo.put("extra", extra.toString());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mode_info", modeInfo);
        return data;
    }

    private Object history(Request req) {
        long roomId = req.longParam("roomid", Long.MIN_VALUE, Long.MAX_VALUE);
        List<Map<String, Object>> room = new ArrayList<>();
        for (Danmaku d : danmaku.recent(roomId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", d.text());
            m.put("dm_type", 0);
            m.put("uid", d.mid());
            m.put("nickname", d.nickname());
            m.put("timeline", timeline.format(Instant.ofEpochMilli(d.tsMillis())));
            m.put("isadmin", 0);
            m.put("vip", 0);
            m.put("svip", 0);
            m.put("id_str", d.id());
            m.put("check_info", Map.of("ts", d.tsMillis() / 1000, "ct", ""));
            room.add(m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("admin", List.of());
        data.put("room", room);
        return data;
    }
}
