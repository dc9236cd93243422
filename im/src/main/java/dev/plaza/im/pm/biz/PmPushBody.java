package dev.plaza.im.pm.biz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a connection receives for a private message: {@code {"cmd":"PM_MSG","data":{...}}}, the data in the fields of
 * Bilibili's message object ({@link #fields}; msg_key as a string too, since JavaScript cannot hold a snowflake as
 * a number). goim clients get it with operation {@link #OP}; Bilibili clients as op 5, like every push.
 */
public final class PmPushBody {
    /** The goim operation of private-message pushes (room messages are 1000). */
    public static final int OP = 1001;
    public static final String CMD = "PM_MSG";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PmPushBody() {
    }

    public static byte[] of(PrivateMessage m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cmd", CMD);
        root.put("data", fields(m));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a map of strings and numbers always writes", e);
        }
    }

    /**
     * The message in the fields of Bilibili's message object, as pushes and the HTTP answers both carry it: a
     * recalled message's content is empty; {@code msg_key_str} is the key as text.
     */
    public static Map<String, Object> fields(PrivateMessage msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sender_uid", msg.senderMid());
        m.put("receiver_type", PrivateMessage.RECEIVER_USER);
        m.put("receiver_id", msg.receiverMid());
        m.put("msg_type", msg.msgType());
        m.put("content", msg.status() == PrivateMessage.STATUS_RECALLED ? "" : msg.content());
        m.put("msg_seqno", msg.seqno());
        m.put("timestamp", msg.tsMillis() / 1000);
        m.put("at_uids", null);
        m.put("msg_key", msg.msgKey());
        m.put("msg_key_str", Long.toString(msg.msgKey()));
        m.put("msg_status", msg.status());
        m.put("notify_code", "");
        m.put("new_face_version", 0);
        m.put("msg_source", 0);
        return m;
    }
}
