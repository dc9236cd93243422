package dev.plaza.im.live.biz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.text.SensitiveFilter;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-room chat: a user's danmaku is checked (login, parameters, length, sensitive words, the room, the user's
 * per-room rate limit, the room's quota over all users, in that order: the cheap checks first and the budgets only
 * spent on a message that would be sent; a user over their own budget spends nothing of the room's),
 * broadcast to the room as Bilibili's {@code DANMU_MSG}, then kept in the room's recent list and counted for the
 * video's stat. A refusal publishes, stores and counts nothing.
 */
public final class DanmakuUsecase {
    private static final Logger log = LoggerFactory.getLogger(DanmakuUsecase.class);
    /** goim clients get room messages with this operation; the comet sends them to Bilibili clients as op 5. */
    public static final int OP_ROOM_MESSAGE = 1000;
    public static final Set<Integer> MODES = Set.of(1, 4, 5);
    public static final int FONT_MIN = 12;
    public static final int FONT_MAX = 64;
    public static final int COLOR_MAX = 0xFFFFFF;
    public static final int DEFAULT_COLOR = 0xFFFFFF;
    public static final String ROOM_TYPE = "live";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LiveConfig config;
    private final SensitiveFilter sensitive;
    private final RoomDirectory rooms;
    private final DanmakuRateLimiter limiter;
    private final RoomQuota roomQuota;
    private final RoomPublisher publisher;
    private final DanmakuHistoryRepo history;
    private final UserNames names;
    private final DanmakuCounts counts;
    private final Clock clock;

    public DanmakuUsecase(LiveConfig config, SensitiveFilter sensitive, RoomDirectory rooms,
                          DanmakuRateLimiter limiter, RoomQuota roomQuota, RoomPublisher publisher,
                          DanmakuHistoryRepo history, UserNames names, Clock clock) {
        this(config, sensitive, rooms, limiter, roomQuota, publisher, history, names, DanmakuCounts.NONE, clock);
    }

    /** @param counts told of each danmaku sent, for the video's stat */
    public DanmakuUsecase(LiveConfig config, SensitiveFilter sensitive, RoomDirectory rooms,
                          DanmakuRateLimiter limiter, RoomQuota roomQuota, RoomPublisher publisher,
                          DanmakuHistoryRepo history, UserNames names, DanmakuCounts counts, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.sensitive = Objects.requireNonNull(sensitive, "sensitive");
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.roomQuota = Objects.requireNonNull(roomQuota, "roomQuota");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.history = Objects.requireNonNull(history, "history");
        this.names = Objects.requireNonNull(names, "names");
        this.counts = Objects.requireNonNull(counts, "counts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The room id goim uses for a video's live room. */
    public static String room(long roomId) {
        return ROOM_TYPE + "://" + roomId;
    }

    /** Checks, broadcasts and keeps one danmaku; answers what was sent. */
    public Danmaku send(SendDanmaku s) {
        if (s.mid() <= 0) {
            throw PlazaError.notLoggedIn("log in to send danmaku");
        }
        requireRoomId(s.roomId());
        String text = checkText(s.msg());
        if (s.color() < 0 || s.color() > COLOR_MAX) {
            throw LiveErrors.badParameter("color", "must be 0 to " + COLOR_MAX + " (decimal RGB)");
        }
        if (!MODES.contains(s.mode())) {
            throw LiveErrors.badParameter("mode", "must be 1 (scroll), 4 (bottom) or 5 (top)");
        }
        if (s.fontSize() < FONT_MIN || s.fontSize() > FONT_MAX) {
            throw LiveErrors.badParameter("fontsize", "must be " + FONT_MIN + " to " + FONT_MAX);
        }
        if (!sensitive.check(text).clean()) {
            throw LiveErrors.sensitive();
        }
        requireRoom(s.roomId());
        if (!limiter.tryAcquire(s.mid(), s.roomId())) {
            throw LiveErrors.tooFast(config.perRoomBurst(), config.perRoomWindow().toMillis());
        }
        if (!roomQuota.tryAcquire(s.roomId())) {
            throw LiveErrors.roomTooBusy(s.roomId());
        }
        String nickname = s.nickname() == null || s.nickname().isBlank() ? nameOf(s.mid()) : s.nickname();
        Danmaku d = new Danmaku(UUID.randomUUID().toString().replace("-", ""), s.roomId(), s.mid(), nickname, text,
                s.mode(), s.fontSize(), (int) s.color(), clock.millis());
        publisher.publish(room(s.roomId()), OP_ROOM_MESSAGE, danmuMsg(d, s.rnd()));
        try {
            history.append(d);
        } catch (RuntimeException e) {
            // already broadcast: the recent list is for newcomers, missing one entry beats failing a sent message
            log.warn("danmaku {} of room {} not kept in the recent list", d.id(), d.roomId(), e);
        }
        counts.sent(d.roomId());
        return d;
    }

    /** The room's recent danmaku, newest last; -404 for an unknown room. */
    public List<Danmaku> recent(long roomId) {
        requireRoomId(roomId);
        requireRoom(roomId);
        return history.recent(roomId);
    }

    /**
     * Bilibili's {@code DANMU_MSG} layout: {@code info[0]} the display (mode, font size, color, time, rnd),
     * {@code info[1]} the text, {@code info[2]} the sender, then medal, level, title and check info placeholders.
     * Built as a tree, so user text is only ever escaped by the JSON writer.
     */
    public static byte[] danmuMsg(Danmaku d, long rnd) {
        ObjectNode root = NODES.objectNode();
        root.put("cmd", "DANMU_MSG");
        ArrayNode info = root.putArray("info");
        ArrayNode display = info.addArray();
        display.add(0).add(d.mode()).add(d.fontSize()).add(d.color()).add(d.tsMillis()).add(rnd).add(0).add("")
                .add(0).add(0).add(0).add("").add(0).add("{}").add("{}");
        display.addObject();
        info.add(d.text());
        info.addArray().add(d.mid()).add(d.nickname()).add(0).add(0).add(0).add(10000).add(1).add("");
        info.addArray(); // fan medal: none
        info.addArray().add(0).add(0).add(9868950).add(">50000").add(0); // user level
        info.addArray().add("").add(""); // title
        info.add(0).add(0).addNull();
        info.addObject().put("ts", d.tsMillis() / 1000).put("ct", "");
        info.add(0).add(0).addNull().addNull().add(0).add(0);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always writes", e);
        }
    }

    private String nameOf(long mid) {
        try {
            String n = names.nameOf(mid);
            return n == null ? "" : n;
        } catch (RuntimeException e) {
            log.debug("no name for mid {}", mid, e);
            return "";
        }
    }

    private String checkText(String msg) {
        String text = msg == null ? "" : msg.strip();
        if (text.isEmpty()) {
            throw LiveErrors.badParameter("msg", "is required (the message)");
        }
        int len = text.codePointCount(0, text.length());
        if (len > config.maxLength()) {
            throw LiveErrors.badParameter("msg", "must be at most " + config.maxLength() + " characters, got " + len);
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.SURROGATE) { // SURROGATE: a lone half of a pair
                throw LiveErrors.badParameter("msg", "must not contain control characters");
            }
            i += Character.charCount(cp);
        }
        return text;
    }

    private static void requireRoomId(long roomId) {
        if (roomId <= 0) {
            throw LiveErrors.badParameter("roomid", "must be positive");
        }
    }

    private void requireRoom(long roomId) {
        if (!rooms.exists(roomId)) {
            throw LiveErrors.roomNotFound(roomId);
        }
    }
}
