package dev.plaza.im.pm.biz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a connection receives for a private message: {@code {"cmd":"PM_MSG","data":{...}}}, the data in the fields of
 * Bilibili's message object (msg_key as a string too, since JavaScript cannot hold a snowflake as a number). goim
 * clients get it with operation {@link #OP}; Bilibili clients as op 5, like every push.
 */
public final class PmPushBody {
    /** The goim operation of private-message pushes (room messages are 1000). */
    public static final int OP = 1001;
    public static final String CMD = "PM_MSG";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PmPushBody() {
    }

    public static byte[] of(PrivateMessage m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cmd", CMD);
        ObjectNode d = root.putObject("data");
        d.put("sender_uid", m.senderMid());
        d.put("receiver_type", PrivateMessage.RECEIVER_USER);
        d.put("receiver_id", m.receiverMid());
        d.put("msg_type", m.msgType());
        d.put("content", m.status() == PrivateMessage.STATUS_RECALLED ? "" : m.content());
        d.put("msg_seqno", m.seqno());
        d.put("timestamp", m.tsMillis() / 1000);
        d.put("msg_key", m.msgKey());
        d.put("msg_key_str", Long.toString(m.msgKey()));
        d.put("msg_status", m.status());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always writes", e);
        }
    }
}
