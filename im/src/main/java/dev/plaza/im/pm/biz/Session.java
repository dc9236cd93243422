package dev.plaza.im.pm.biz;

/**
 * One user's view of a conversation: their inbox and outbox entry for one talker.
 *
 * @param ownerMid    whose list it is in
 * @param talkerMid   the other user
 * @param unread      messages from the talker after {@code ackSeqno} (recall notices not counted)
 * @param ackSeqno    the owner has read up to here
 * @param maxSeqno    the newest message of the conversation applied to this session
 * @param tsMicros    when its newest message was sent (µs, Bilibili's {@code session_ts})
 * @param ackTsMicros when the owner last acknowledged (µs), 0 never
 * @param lastMsg     the newest message, null for a session with none left
 */
public record Session(long ownerMid, long talkerMid, int unread, long ackSeqno, long maxSeqno, long tsMicros,
                      long ackTsMicros, PrivateMessage lastMsg) {
    public static final int TYPE_USER = 1;

    /**
     * The session time a message gives its sessions, in µs as Bilibili has it: its ms time, with the µs digits taken
     * from its msg_key, so that two sessions of one user updated in the same millisecond almost never tie (the
     * session list pages by "older than this time", where a tie at a page break would skip a session).
     */
    public static long tsMicrosOf(PrivateMessage m) {
        return m.tsMillis() * 1000 + Math.floorMod(m.msgKey(), 1000L);
    }
}
