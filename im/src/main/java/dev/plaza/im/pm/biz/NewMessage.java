package dev.plaza.im.pm.biz;

/**
 * A checked message about to be stored: the store gives it the conversation's next seqno.
 *
 * @param msgKey   its snowflake id
 * @param tsMillis when it was accepted (Unix ms)
 */
public record NewMessage(long msgKey, long senderMid, long receiverMid, int msgType, String content, long tsMillis) {
    public ConversationId conversation() {
        return ConversationId.of(senderMid, receiverMid);
    }

    public PrivateMessage stored(long seqno) {
        return new PrivateMessage(msgKey, senderMid, receiverMid, msgType, content, seqno, tsMillis,
                PrivateMessage.STATUS_NORMAL);
    }
}
