package dev.plaza.im.pm.biz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.kit.errors.PlazaError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private messages between two users (Bilibili's web_im, session_svr and svr_sync). A send is checked (cheap checks
 * first, the rate budget spent last), stored as the conversation's next seqno in one transaction, and then announced
 * to the job, which pushes it and updates both users' sessions in seqno order. The answer comes after the store
 * commit: an acknowledged message is durable even if the announcement fails, because the job's sweep finds
 * conversations whose delivery cursor lags their newest message.
 */
public final class PmUsecase {
    private static final Logger log = LoggerFactory.getLogger(PmUsecase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Acks that keep losing the race with new messages give up after this many tries (the next ack fixes it). */
    private static final int ACK_ATTEMPTS = 5;

    private final PmConfig config;
    private final MessageStore messages;
    private final SessionStore sessions;
    private final BlockList blocks;
    private final UserDirectory users;
    private final SendLimiter limiter;
    private final PmNotices notices;
    private final LongSupplier ids;
    private final Clock clock;

    public PmUsecase(PmConfig config, MessageStore messages, SessionStore sessions, BlockList blocks,
                     UserDirectory users, SendLimiter limiter, PmNotices notices, LongSupplier ids, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.users = Objects.requireNonNull(users, "users");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checks and stores one message (text, or the recall of one of the sender's own); answers it as stored. */
    public PrivateMessage send(SendMessage s) {
        requireUser(s.senderMid());
        if (s.receiverType() != PrivateMessage.RECEIVER_USER) {
            throw PmErrors.badParameter("msg[receiver_type]", "must be 1 (a user)");
        }
        if (s.receiverId() <= 0) {
            throw PmErrors.badParameter("msg[receiver_id]", "must be a positive mid");
        }
        if (s.receiverId() == s.senderMid()) {
            throw PmErrors.toSelf();
        }
        String content;
        long recalled = 0;
        switch (s.msgType()) {
            case PrivateMessage.TYPE_TEXT -> content = textContent(s.content());
            case PrivateMessage.TYPE_RECALL -> {
                recalled = recalledKey(s.content());
                content = Long.toString(recalled);
            }
            default -> throw PmErrors.unsupportedType(s.msgType());
        }
        if (!users.exists(s.receiverId())) {
            throw PmErrors.userNotFound(s.receiverId());
        }
        // a recall is allowed across a block: taking one's own words back harms no one
        if (s.msgType() != PrivateMessage.TYPE_RECALL && (blocks.isBlocked(s.receiverId(), s.senderMid())
                || blocks.isBlocked(s.senderMid(), s.receiverId()))) {
            throw PmErrors.blocked();
        }
        ConversationId conv = ConversationId.of(s.senderMid(), s.receiverId());
        PrivateMessage original = null;
        if (recalled != 0) {
            original = recallable(conv, s.senderMid(), recalled);
        }
        if (!limiter.tryAcquire(s.senderMid())) {
            throw PmErrors.tooFast(config.sendBurst(), config.sendWindow().toMillis());
        }
        NewMessage m = new NewMessage(ids.getAsLong(), s.senderMid(), s.receiverId(), s.msgType(), content,
                clock.millis());
        PrivateMessage stored;
        if (original == null) {
            stored = messages.append(m);
        } else {
            stored = messages.recall(conv, original.msgKey(), m)
                    .orElseThrow(() -> PmErrors.recallNotAllowed("the message is already recalled"));
        }
        announce(conv, stored.seqno());
        return stored;
    }

    /**
     * A page of the conversation between {@code owner} and {@code talker}, newest first. With {@code beginSeqno} &gt;
     * 0: the oldest {@code size} messages after it (a device catching up); otherwise the newest {@code size} before
     * {@code endSeqno} (0: the newest of all). Recalled messages come with an empty content.
     */
    public MessagePage fetch(long owner, long talker, int sessionType, long beginSeqno, long endSeqno, int size) {
        requireUser(owner);
        ConversationId conv = conversation(owner, talker, sessionType);
        if (beginSeqno < 0 || endSeqno < 0) {
            throw PmErrors.badParameter(beginSeqno < 0 ? "begin_seqno" : "end_seqno", "must not be negative");
        }
        int n = pageSize(size);
        List<PrivateMessage> page;
        boolean more;
        if (beginSeqno > 0) {
            List<PrivateMessage> asc = messages.after(conv, beginSeqno, n + 1);
            more = asc.size() > n;
            page = new ArrayList<>(asc.subList(0, Math.min(n, asc.size())));
            Collections.reverse(page);
        } else {
            List<PrivateMessage> desc = messages.before(conv, endSeqno == 0 ? Long.MAX_VALUE : endSeqno, n + 1);
            more = desc.size() > n;
            page = new ArrayList<>(desc.subList(0, Math.min(n, desc.size())));
        }
        page.replaceAll(PmUsecase::visible);
        long max = page.isEmpty() ? beginSeqno : page.get(0).seqno();
        long min = page.isEmpty() ? beginSeqno : page.get(page.size() - 1).seqno();
        return new MessagePage(page, more, min, max);
    }

    /** {@code owner}'s sessions updated before {@code endTsMicros} (0: all), newest first. */
    public SessionPage sessions(long owner, long endTsMicros, int size) {
        requireUser(owner);
        if (endTsMicros < 0) {
            throw PmErrors.badParameter("end_ts", "must not be negative");
        }
        int n = pageSize(size);
        List<Session> list = sessions.list(owner, endTsMicros == 0 ? Long.MAX_VALUE : endTsMicros, n + 1);
        boolean more = list.size() > n;
        List<Session> page = new ArrayList<>(list.subList(0, Math.min(n, list.size())));
        page.replaceAll(PmUsecase::visible);
        return new SessionPage(page, more);
    }

    /** One session of {@code owner}'s, if they have talked with {@code talker}. */
    public Optional<Session> session(long owner, long talker, int sessionType) {
        requireUser(owner);
        conversation(owner, talker, sessionType);
        return sessions.get(owner, talker).map(PmUsecase::visible);
    }

    /**
     * Marks the conversation read up to {@code ackSeqno} (clamped to its newest message; never moves back) and sets
     * the unread count to the talker's messages after it. Acknowledging a conversation never had is a no-op.
     */
    public void ack(long owner, long talker, int sessionType, long ackSeqno) {
        requireUser(owner);
        ConversationId conv = conversation(owner, talker, sessionType);
        if (ackSeqno < 0) {
            throw PmErrors.badParameter("ack_seqno", "must not be negative");
        }
        for (int attempt = 0; attempt < ACK_ATTEMPTS; attempt++) {
            Optional<Session> found = sessions.get(owner, talker);
            if (found.isEmpty()) {
                return;
            }
            Session s = found.get();
            long ack = Math.max(s.ackSeqno(), Math.min(ackSeqno, s.maxSeqno()));
            int unread = ack >= s.maxSeqno() ? 0 : messages.countUnread(conv, talker, ack, s.maxSeqno());
            if (sessions.ack(owner, talker, ack, unread, s.maxSeqno(), clock.millis() * 1000)) {
                return;
            }
        }
        log.debug("ack of {} by {} kept racing new messages; left for the next ack", conv, owner);
    }

    /** Blocks {@code target}: neither can message the other until unblocked. */
    public boolean block(long owner, long target) {
        requireTarget(owner, target);
        return blocks.block(owner, target);
    }

    public boolean unblock(long owner, long target) {
        requireTarget(owner, target);
        return blocks.unblock(owner, target);
    }

    public boolean isBlocked(long owner, long target) {
        return blocks.isBlocked(owner, target);
    }

    /** Whether {@code owner} blocked {@code target}, as a user asks it: the target must be someone else who exists. */
    public boolean blockedByMe(long owner, long target) {
        requireTarget(owner, target);
        return blocks.isBlocked(owner, target);
    }

    private void requireTarget(long owner, long target) {
        requireUser(owner);
        if (target <= 0) {
            throw PmErrors.badParameter("fid", "must be a positive mid");
        }
        if (target == owner) {
            throw PmErrors.badParameter("fid", "must not be yourself");
        }
        if (!users.exists(target)) {
            throw PmErrors.userNotFound(target);
        }
    }

    private void announce(ConversationId conv, long seqno) {
        try {
            notices.stored(conv, seqno);
        } catch (RuntimeException e) {
            // stored and acknowledged all the same: the job's sweep delivers conversations whose cursor lags
            log.warn("notice of {} seqno {} not published; the job's sweep will deliver it", conv, seqno, e);
        }
    }

    private PrivateMessage recallable(ConversationId conv, long sender, long key) {
        PrivateMessage original = messages.byKey(conv, key).orElseThrow(() -> PmErrors.messageNotFound(key));
        if (original.senderMid() != sender) {
            throw PmErrors.recallNotAllowed("only its sender may recall a message");
        }
        if (original.msgType() != PrivateMessage.TYPE_TEXT) {
            throw PmErrors.recallNotAllowed("only a text message can be recalled");
        }
        if (original.status() != PrivateMessage.STATUS_NORMAL) {
            throw PmErrors.recallNotAllowed("the message is already recalled");
        }
        if (clock.millis() - original.tsMillis() > config.recallWindow().toMillis()) {
            throw PmErrors.recallExpired(config.recallWindow().toMillis());
        }
        return original;
    }

    /** The text content, checked and written back in one canonical form: {@code {"content":"..."}}. */
    private String textContent(String raw) {
        if (raw == null || raw.isBlank()) {
            throw PmErrors.badParameter("msg[content]", "is required: {\"content\":\"...\"}");
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw PmErrors.badParameter("msg[content]", "must be a JSON object {\"content\":\"...\"}");
        }
        JsonNode text = node == null || !node.isObject() ? null : node.get("content");
        if (text == null || !text.isTextual()) {
            throw PmErrors.badParameter("msg[content]", "must be a JSON object {\"content\":\"...\"}");
        }
        // Windows line ends and old Mac ones become plain newlines; other control characters are refused below
        String t = text.textValue().replace("\r\n", "\n").replace('\r', '\n').strip();
        if (t.isEmpty()) {
            throw PmErrors.badParameter("msg[content]", "the text is empty");
        }
        int len = t.codePointCount(0, t.length());
        if (len > config.maxLength()) {
            throw PmErrors.badParameter("msg[content]", "the text must be at most " + config.maxLength()
                    + " characters, got " + len);
        }
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int type = Character.getType(cp);
            if ((type == Character.CONTROL && cp != '\n' && cp != '\t') || type == Character.SURROGATE) {
                throw PmErrors.badParameter("msg[content]", "must not contain control characters");
            }
            i += Character.charCount(cp);
        }
        return JSON.createObjectNode().put("content", t).toString();
    }

    /** A recall's content: the recalled message's key, as digits or a JSON string of digits. */
    private static long recalledKey(String raw) {
        String s = raw == null ? "" : raw.strip();
        if (s.length() > 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        try {
            long key = Long.parseLong(s);
            if (key > 0) {
                return key;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw PmErrors.badParameter("msg[content]", "a recall's content must be the msg_key of the message");
    }

    private static ConversationId conversation(long owner, long talker, int sessionType) {
        if (sessionType != Session.TYPE_USER) {
            throw PmErrors.badParameter("session_type", "must be 1 (a user)");
        }
        if (talker <= 0) {
            throw PmErrors.badParameter("talker_id", "must be a positive mid");
        }
        if (talker == owner) {
            throw PmErrors.badParameter("talker_id", "must not be yourself");
        }
        return ConversationId.of(owner, talker);
    }

    private int pageSize(int size) {
        if (size == 0) {
            return PmConfig.PAGE_DEFAULT;
        }
        if (size < 0 || size > config.pageMax()) {
            throw PmErrors.badParameter("size", "must be 1 to " + config.pageMax());
        }
        return size;
    }

    private static void requireUser(long mid) {
        if (mid <= 0) {
            throw PlazaError.notLoggedIn("log in to use private messages");
        }
    }

    private static PrivateMessage visible(PrivateMessage m) {
        if (m == null || m.status() != PrivateMessage.STATUS_RECALLED) {
            return m;
        }
        return new PrivateMessage(m.msgKey(), m.senderMid(), m.receiverMid(), m.msgType(), "", m.seqno(),
                m.tsMillis(), m.status());
    }

    private static Session visible(Session s) {
        PrivateMessage last = visible(s.lastMsg());
        return last == s.lastMsg() ? s : new Session(s.ownerMid(), s.talkerMid(), s.unread(), s.ackSeqno(),
                s.maxSeqno(), s.tsMicros(), s.ackTsMicros(), last);
    }
}
