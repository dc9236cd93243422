package dev.plaza.im.pm.biz;

import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's half of a send: delivers a conversation's stored messages past its delivery cursor, in seqno order, in
 * steps of up to {@value #STEP}. For each message it pushes to both users' online connections (the sender's other
 * devices sync too) and applies it to both users' sessions (the receiver's inbox entry counts it unread); after each
 * step it moves the cursor (one write per step, not per message). A failure or crash anywhere repeats the step from
 * its first message: pushes are at least once (clients dedup by msg_key), session updates skip what they already
 * applied.
 */
public final class PmFanout {
    private static final Logger log = LoggerFactory.getLogger(PmFanout.class);
    /** Messages read from the store per step of a long backlog. */
    static final int STEP = 100;

    private final MessageStore messages;
    private final SessionStore sessions;
    private final PmPusher pusher;

    public PmFanout(MessageStore messages, SessionStore sessions, PmPusher pusher) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.pusher = Objects.requireNonNull(pusher, "pusher");
    }

    /**
     * Delivers the conversation up to at least {@code seqno} (and whatever else is stored beyond the cursor).
     *
     * @return the messages delivered (0 for a notice already handled)
     */
    public int deliver(ConversationId conv, long seqno) {
        long cursor = messages.deliveredSeqno(conv);
        if (cursor >= seqno) {
            return 0;
        }
        int delivered = 0;
        while (true) {
            List<PrivateMessage> step = messages.after(conv, cursor, STEP);
            if (step.isEmpty()) {
                break;
            }
            for (PrivateMessage m : step) {
                deliverOne(conv, m);
                delivered++;
            }
            cursor = step.get(step.size() - 1).seqno();
            messages.markDelivered(conv, cursor);
            if (step.size() < STEP) {
                break;
            }
        }
        if (cursor < seqno) {
            // a notice ahead of the store cannot come from the send path (it notices after commit); say so once quietly
            log.debug("{}: notice for seqno {} but the store ends at {}", conv, seqno, cursor);
        }
        return delivered;
    }

    private void deliverOne(ConversationId conv, PrivateMessage m) {
        pusher.push(List.of(m.receiverMid(), m.senderMid()), PmPushBody.of(m));
        sessions.apply(m.senderMid(), m.receiverMid(), m, 0, m.seqno());
        if (m.countsAsUnread()) {
            sessions.apply(m.receiverMid(), m.senderMid(), m, 1, m.seqno());
            return;
        }
        // a recall notice: the receiver's unread count loses the recalled message if it was still unread
        long recalledSeqno = recalledSeqno(conv, m);
        sessions.apply(m.receiverMid(), m.senderMid(), m, recalledSeqno > 0 ? -1 : 0, recalledSeqno);
    }

    private long recalledSeqno(ConversationId conv, PrivateMessage notice) {
        try {
            return messages.byKey(conv, Long.parseLong(notice.content())).map(PrivateMessage::seqno).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
