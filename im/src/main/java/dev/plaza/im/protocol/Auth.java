package dev.plaza.im.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The body of an auth packet, in either dialect (told apart by its fields):
 * <ul>
 *   <li>goim: {@code {"mid":1,"key":"<token>","room_id":"live://1000","platform":"web","accepts":[1000,1001]}}</li>
 *   <li>Bilibili live: {@code {"uid":1,"roomid":1000,"protover":2,"platform":"web","type":2,"key":"<token>"}}</li>
 * </ul>
 * Room {@code live://N} of goim and roomid N of Bilibili are the same room.
 *
 * @param key      the account token (empty for an anonymous viewer)
 * @param room     the room to join, {@code type://id}, or empty for none
 * @param accepts  goim operations the client wants pushed (empty: all)
 * @param protover Bilibili: 0/1 plain JSON, 2 zlib batches, 3 brotli batches; goim: 0
 */
public record Auth(Dialect dialect, long mid, String key, String room, String platform, Set<Integer> accepts,
                   int protover) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest token, room and platform taken. */
    private static final int MAX_FIELD = 256;

    public Auth {
        accepts = Set.copyOf(accepts);
    }

    /** The same auth with {@code key} as its token. */
    public Auth withKey(String key) {
        return new Auth(dialect, mid, key, room, platform, accepts, protover);
    }

    /** @throws ProtocolException when the body is not an auth object of either dialect */
    public static Auth parse(byte[] body) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new ProtocolException("auth body is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new ProtocolException("auth body is not a JSON object");
        }
        String key = text(n, "key");
        String platform = text(n, "platform");
        if (n.has("roomid") || n.has("uid") || n.has("protover")) {
            long roomId = n.path("roomid").asLong(0);
            if (roomId < 0) {
                throw new ProtocolException("roomid must not be negative");
            }
            int protover = n.path("protover").asInt(0);
            if (protover < 0 || protover > 3) {
                throw new ProtocolException("protover must be 0 to 3");
            }
            return new Auth(Dialect.BILIBILI, n.path("uid").asLong(0), key, roomId == 0 ? "" : liveRoom(roomId),
                    platform, Set.of(), protover);
        }
        Set<Integer> accepts = new LinkedHashSet<>();
        for (JsonNode a : n.path("accepts")) {
            if (!a.canConvertToInt()) {
                throw new ProtocolException("accepts must be operations (integers)");
            }
            accepts.add(a.asInt());
        }
        String room = text(n, "room_id");
        if (!room.isEmpty() && !room.contains("://")) {
            throw new ProtocolException("room_id must look like type://id");
        }
        return new Auth(Dialect.GOIM, n.path("mid").asLong(0), key, room, platform, accepts, 0);
    }

    /** The goim room of a Bilibili live room (a video's room id is its aid). */
    public static String liveRoom(long roomId) {
        return "live://" + roomId;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isValueNode()) {
            throw new ProtocolException(field + " must be a string");
        }
        String s = v.asText();
        if (s.length() > MAX_FIELD) {
            throw new ProtocolException(field + " is longer than " + MAX_FIELD + " characters");
        }
        return s;
    }
}
