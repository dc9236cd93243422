package dev.plaza.im.pm.biz;

/**
 * A send as the client asked for it (Bilibili's {@code msg[...]} form fields), not yet checked.
 *
 * @param senderMid    the logged-in user
 * @param receiverId   {@code msg[receiver_id]}
 * @param receiverType {@code msg[receiver_type]}: 1 a user
 * @param msgType      {@code msg[msg_type]}: 1 text, 5 recall
 * @param content      {@code msg[content]}: {@code {"content":"..."}} for text, the recalled msg_key for a recall
 */
public record SendMessage(long senderMid, long receiverId, int receiverType, int msgType, String content) {
}
