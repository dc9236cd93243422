package dev.plaza.im.pm.biz;

/**
 * One stored private message, in the fields of Bilibili's message object.
 *
 * @param msgKey      a snowflake id, unique over all conversations (clients dedup pushes by it)
 * @param senderMid   who sent it
 * @param receiverMid who it is for
 * @param msgType     {@link #TYPE_TEXT} or {@link #TYPE_RECALL} (its content is the recalled message's key)
 * @param content     the content object as JSON text, as the client sent it ({@code {"content":"hi"}})
 * @param seqno       its place in the conversation: 1, 2, 3, ... shared by both directions, no gaps
 * @param tsMillis    when it was stored (Unix ms)
 * @param status      {@link #STATUS_NORMAL} or {@link #STATUS_RECALLED}
 */
public record PrivateMessage(long msgKey, long senderMid, long receiverMid, int msgType, String content, long seqno,
                             long tsMillis, int status) {
    public static final int TYPE_TEXT = 1;
    public static final int TYPE_RECALL = 5;
    public static final int STATUS_NORMAL = 0;
    public static final int STATUS_RECALLED = 1;
    /** Bilibili's receiver_type of a user (2 is a fan group, which Plaza does not have). */
    public static final int RECEIVER_USER = 1;

    public ConversationId conversation() {
        return ConversationId.of(senderMid, receiverMid);
    }

    /** Whether it counts as unread for its receiver: recall notices do not. */
    public boolean countsAsUnread() {
        return msgType != TYPE_RECALL;
    }
}
