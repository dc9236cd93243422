package dev.plaza.im.pm.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PmUsecaseTest {
    private static final long ALICE = 7;
    private static final long BOB = 8;
    private static final long CAROL = 9;
    private static final long DAVE = 10;
    private static final long NOBODY = 404;
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");
    private static final ConversationId AB = ConversationId.of(ALICE, BOB);

    private final MutableClock clock = new MutableClock(NOW);
    private final PmFakes.Messages messages = new PmFakes.Messages(clock);
    private final PmFakes.Sessions sessions = new PmFakes.Sessions();
    private final PmFakes.Blocks blocks = new PmFakes.Blocks();
    private final PmFakes.Notices notices = new PmFakes.Notices();
    private final PmFakes.Pusher pusher = new PmFakes.Pusher();
    private final PmFanout fanout = new PmFanout(messages, sessions, pusher);
    private PmFakes.Limiter limiter = new PmFakes.Limiter(1000);
    private PmUsecase pm = usecase(PmConfig.defaults());

    private PmUsecase usecase(PmConfig config) {
        return new PmUsecase(config, messages, sessions, blocks, new PmFakes.Users(ALICE, BOB, CAROL, DAVE), limiter,
                notices, PmFakes.ids(), clock);
    }

    private static String text(String t) {
        return "{\"content\":\"" + t + "\"}";
    }

    private static SendMessage msg(long from, long to, String rawContent) {
        return new SendMessage(from, to, PrivateMessage.RECEIVER_USER, PrivateMessage.TYPE_TEXT, rawContent);
    }

    private static SendMessage recall(long from, long to, String key) {
        return new SendMessage(from, to, PrivateMessage.RECEIVER_USER, PrivateMessage.TYPE_RECALL, key);
    }

    private PrivateMessage say(long from, long to, String t) {
        return pm.send(msg(from, to, text(t)));
    }

    /** Runs the job's half for everything stored so far in {@code conv}. */
    private void deliver(ConversationId conv) {
        fanout.deliver(conv, messages.maxSeqno(conv));
    }

    private static void fails(ThrowingCallable call, int code, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).as(e.toString()).isEqualTo(code);
            assertThat(e.reason()).as(e.toString()).isEqualTo(reason);
        });
    }

    /** The send is refused with this code and reason, and nothing is stored, announced or spent. */
    private void refused(SendMessage s, int code, String reason) {
        int before = messages.count();
        int announced = notices.sent.size();
        int spent = limiter.taken(s.senderMid());
        fails(() -> pm.send(s), code, reason);
        assertThat(messages.count()).isEqualTo(before);
        assertThat(notices.sent).hasSize(announced);
        assertThat(limiter.taken(s.senderMid())).isEqualTo(spent);
    }

    // ---- send ----

    @Test
    void sendStoresCanonicalTextAsNextSeqnoAndAnnouncesIt() {
        PrivateMessage m = pm.send(msg(ALICE, BOB, "{ \"content\" : \"  hi\\nthere\\t \", \"extra\": [1] }"));
        assertThat(m.content()).isEqualTo("{\"content\":\"hi\\nthere\"}");
        assertThat(m.senderMid()).isEqualTo(ALICE);
        assertThat(m.receiverMid()).isEqualTo(BOB);
        assertThat(m.msgType()).isEqualTo(PrivateMessage.TYPE_TEXT);
        assertThat(m.seqno()).isEqualTo(1);
        assertThat(m.msgKey()).isEqualTo(1000);
        assertThat(m.tsMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(m.status()).isEqualTo(PrivateMessage.STATUS_NORMAL);
        assertThat(messages.all(AB)).containsExactly(m);

        // both directions share one counter; another conversation has its own
        assertThat(say(BOB, ALICE, "yo").seqno()).isEqualTo(2);
        assertThat(say(ALICE, CAROL, "hey").seqno()).isEqualTo(1);
        assertThat(notices.sent).containsExactly(new PmFakes.Notice(AB, 1), new PmFakes.Notice(AB, 2),
                new PmFakes.Notice(ConversationId.of(ALICE, CAROL), 1));
        assertThat(limiter.taken(ALICE)).isEqualTo(2);
        assertThat(limiter.taken(BOB)).isEqualTo(1);
    }

    @Test
    void lengthCountsCodePointsAndUnicodeIsKept() {
        pm = usecase(new PmConfig(5, Duration.ofMinutes(2), 20, Duration.ofSeconds(10), 200));
        assertThat(pm.send(msg(ALICE, BOB, text("\uD83D\uDE00\uD83D\uDE00你好!"))).content())
                .isEqualTo("{\"content\":\"\uD83D\uDE00\uD83D\uDE00你好!\"}");
        assertThat(pm.send(msg(ALICE, BOB, text("12345"))).seqno()).isEqualTo(2);
        refused(msg(ALICE, BOB, text("123456")), -400, "BAD_PARAMETER");
        // the content is stripped before it is measured
        assertThat(pm.send(msg(ALICE, BOB, text("  12345  "))).content()).isEqualTo(text("12345"));
    }

    @Test
    void everyValidationErrorStoresNothing() {
        refused(new SendMessage(0, BOB, 1, 1, text("hi")), -101, "NOT_LOGGED_IN");
        refused(new SendMessage(ALICE, BOB, 2, 1, text("hi")), -400, "BAD_PARAMETER");
        refused(new SendMessage(ALICE, 0, 1, 1, text("hi")), -400, "BAD_PARAMETER");
        refused(new SendMessage(ALICE, -8, 1, 1, text("hi")), -400, "BAD_PARAMETER");
        refused(msg(ALICE, ALICE, text("hi")), -400, "PM_TO_SELF");
        refused(msg(ALICE, NOBODY, text("hi")), -404, "PM_USER_NOT_FOUND");
        refused(new SendMessage(ALICE, BOB, 1, 2, text("hi")), -400, "PM_UNSUPPORTED_TYPE");
        refused(new SendMessage(ALICE, BOB, 1, 0, text("hi")), -400, "PM_UNSUPPORTED_TYPE");
        for (String bad : new String[] {null, "", "   ", "hi", "{", "[\"hi\"]", "\"hi\"", "{}", "{\"content\":1}",
                "{\"content\":null}", "{\"content\":{\"content\":\"hi\"}}", text(""), text("  \\n  "),
                text("x".repeat(501)), text("a\\u0007b"), text("a\\u0000b"), text("a\\u001bb"), text("\\ud800"),
                text("a\\u007fb")}) {
            refused(msg(ALICE, BOB, bad), -400, "BAD_PARAMETER");
        }
        // a recall's content must be a key
        for (String bad : new String[] {null, "", "abc", "0", "-5", "\"\"", "1.5", "{\"content\":\"1000\"}"}) {
            refused(recall(ALICE, BOB, bad), -400, "BAD_PARAMETER");
        }
        assertThat(messages.count()).isZero();
        assertThat(notices.sent).isEmpty();
        assertThat(limiter.taken(ALICE)).isZero();
    }

    @Test
    void newlinesTabsAndTheLongestTextAreAccepted() {
        assertThat(say(ALICE, BOB, "a\\nb\\tc").content()).isEqualTo(text("a\\nb\\tc"));
        assertThat(say(ALICE, BOB, "x".repeat(500)).seqno()).isEqualTo(2);
    }

    @Test
    void aBlockEitherWayRefusesBothDirections() {
        assertThat(pm.block(BOB, ALICE)).isTrue();
        assertThat(pm.block(BOB, ALICE)).isFalse();
        assertThat(pm.isBlocked(BOB, ALICE)).isTrue();
        assertThat(pm.isBlocked(ALICE, BOB)).isFalse();
        refused(msg(ALICE, BOB, text("hi")), PmErrors.CODE_BLOCKED, "PM_BLOCKED");
        refused(msg(BOB, ALICE, text("hi")), PmErrors.CODE_BLOCKED, "PM_BLOCKED");
        // others are unaffected
        assertThat(say(ALICE, CAROL, "hi").seqno()).isEqualTo(1);

        assertThat(pm.unblock(BOB, ALICE)).isTrue();
        assertThat(pm.unblock(BOB, ALICE)).isFalse();
        assertThat(say(ALICE, BOB, "hi again").seqno()).isEqualTo(1);

        pm.block(ALICE, BOB);
        refused(msg(BOB, ALICE, text("hi")), PmErrors.CODE_BLOCKED, "PM_BLOCKED");
    }

    @Test
    void blockTargetsAreChecked() {
        fails(() -> pm.block(ALICE, ALICE), -400, "BAD_PARAMETER");
        fails(() -> pm.block(ALICE, 0), -400, "BAD_PARAMETER");
        fails(() -> pm.block(ALICE, NOBODY), -404, "PM_USER_NOT_FOUND");
        fails(() -> pm.unblock(ALICE, NOBODY), -404, "PM_USER_NOT_FOUND");
        fails(() -> pm.block(0, BOB), -101, "NOT_LOGGED_IN");
        assertThat(blocks.isBlocked(ALICE, NOBODY)).isFalse();
    }

    @Test
    void theRateLimitRefusesWithoutStoring() {
        limiter = new PmFakes.Limiter(2);
        pm = usecase(PmConfig.defaults());
        say(ALICE, BOB, "1");
        say(ALICE, CAROL, "2"); // the budget spans conversations
        refused(msg(ALICE, BOB, text("3")), -509, "PM_TOO_FAST");
        assertThat(messages.all(AB)).hasSize(1);
        // a refusal for another reason does not reach the limiter, and other senders have their own budget
        refused(msg(ALICE, NOBODY, text("x")), -404, "PM_USER_NOT_FOUND");
        assertThat(say(BOB, ALICE, "mine").seqno()).isEqualTo(2);
    }

    @Test
    void aFailedAnnouncementStillAnswersTheStoredMessage() {
        notices.failure = new IllegalStateException("kafka is down");
        PrivateMessage m = say(ALICE, BOB, "hi");
        assertThat(m.seqno()).isEqualTo(1);
        assertThat(messages.all(AB)).containsExactly(m);
        assertThat(notices.sent).isEmpty();
        // what the job's sweep finds once the conversation has been quiet long enough
        assertThat(messages.undelivered(5_000, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(6));
        assertThat(messages.undelivered(5_000, 10)).containsExactly(AB);
    }

    // ---- recall ----

    @Test
    void theSenderRecallsWithinTheWindow() {
        PrivateMessage original = say(ALICE, BOB, "oops");
        clock.advance(Duration.ofMinutes(2)); // the window's last millisecond still counts
        PrivateMessage notice = pm.send(recall(ALICE, BOB, Long.toString(original.msgKey())));
        assertThat(notice.msgType()).isEqualTo(PrivateMessage.TYPE_RECALL);
        assertThat(notice.content()).isEqualTo(Long.toString(original.msgKey()));
        assertThat(notice.seqno()).isEqualTo(2);
        assertThat(notice.senderMid()).isEqualTo(ALICE);
        assertThat(notice.receiverMid()).isEqualTo(BOB);
        assertThat(messages.all(AB).get(0).status()).isEqualTo(PrivateMessage.STATUS_RECALLED);
        assertThat(messages.all(AB).get(0).content()).isEqualTo(text("oops")); // kept in the store
        assertThat(notices.sent).containsExactly(new PmFakes.Notice(AB, 1), new PmFakes.Notice(AB, 2));

        // both sides read it back with an empty content
        for (long[] pair : new long[][] {{ALICE, BOB}, {BOB, ALICE}}) {
            MessagePage page = pm.fetch(pair[0], pair[1], 1, 0, 0, 0);
            assertThat(page.messages()).extracting(PrivateMessage::seqno).containsExactly(2L, 1L);
            PrivateMessage gone = page.messages().get(1);
            assertThat(gone.content()).isEmpty();
            assertThat(gone.status()).isEqualTo(PrivateMessage.STATUS_RECALLED);
            assertThat(page.messages().get(0).content()).isEqualTo(Long.toString(original.msgKey()));
        }
    }

    @Test
    void aQuotedKeyIsAcceptedAndASecondRecallIsRefused() {
        PrivateMessage original = say(ALICE, BOB, "oops");
        String quoted = "\"" + original.msgKey() + "\"";
        assertThat(pm.send(recall(ALICE, BOB, quoted)).content()).isEqualTo(Long.toString(original.msgKey()));
        refused(recall(ALICE, BOB, Long.toString(original.msgKey())), PmErrors.CODE_RECALL_NOT_ALLOWED,
                "PM_RECALL_NOT_ALLOWED");
        assertThat(messages.all(AB)).hasSize(2);
    }

    @Test
    void onlyTheSenderRecallsOnlyTextOnlyInTime() {
        PrivateMessage original = say(ALICE, BOB, "mine");
        String key = Long.toString(original.msgKey());
        refused(recall(BOB, ALICE, key), PmErrors.CODE_RECALL_NOT_ALLOWED, "PM_RECALL_NOT_ALLOWED");
        refused(recall(ALICE, BOB, "999999"), -404, "PM_MESSAGE_NOT_FOUND");
        // the key of a message in another conversation is not found in this one
        PrivateMessage elsewhere = say(ALICE, CAROL, "other");
        refused(recall(ALICE, BOB, Long.toString(elsewhere.msgKey())), -404, "PM_MESSAGE_NOT_FOUND");

        clock.advance(Duration.ofMinutes(2).plusMillis(1));
        refused(recall(ALICE, BOB, key), PmErrors.CODE_RECALL_EXPIRED, "PM_RECALL_EXPIRED");
        assertThat(messages.all(AB).get(0).status()).isEqualTo(PrivateMessage.STATUS_NORMAL);

        // a recall notice cannot itself be recalled
        PrivateMessage fresh = say(ALICE, BOB, "again");
        PrivateMessage notice = pm.send(recall(ALICE, BOB, Long.toString(fresh.msgKey())));
        refused(recall(ALICE, BOB, Long.toString(notice.msgKey())), PmErrors.CODE_RECALL_NOT_ALLOWED,
                "PM_RECALL_NOT_ALLOWED");
    }

    // ---- fetch ----

    /** Alice and Bob take turns: seqno 1..n, odd ones from Alice. */
    private void chat(int n) {
        for (int i = 1; i <= n; i++) {
            if (i % 2 == 1) {
                say(ALICE, BOB, "m" + i);
            } else {
                say(BOB, ALICE, "m" + i);
            }
        }
    }

    private static List<Long> seqnos(MessagePage p) {
        return p.messages().stream().map(PrivateMessage::seqno).toList();
    }

    @Test
    void fetchPagesBackwardsFromTheNewest() {
        chat(5);
        MessagePage p = pm.fetch(ALICE, BOB, 1, 0, 0, 2);
        assertThat(seqnos(p)).containsExactly(5L, 4L);
        assertThat(p.hasMore()).isTrue();
        assertThat(p.minSeqno()).isEqualTo(4);
        assertThat(p.maxSeqno()).isEqualTo(5);
        assertThat(p.messages().get(0).content()).isEqualTo(text("m5"));

        p = pm.fetch(ALICE, BOB, 1, 0, p.minSeqno(), 2);
        assertThat(seqnos(p)).containsExactly(3L, 2L);
        assertThat(p.hasMore()).isTrue();

        p = pm.fetch(ALICE, BOB, 1, 0, p.minSeqno(), 2);
        assertThat(seqnos(p)).containsExactly(1L);
        assertThat(p.hasMore()).isFalse();
        assertThat(p.minSeqno()).isEqualTo(1);
        assertThat(p.maxSeqno()).isEqualTo(1);

        // exactly a page left: no more
        p = pm.fetch(BOB, ALICE, 1, 0, 3, 2);
        assertThat(seqnos(p)).containsExactly(2L, 1L);
        assertThat(p.hasMore()).isFalse();

        // the talker sees the same conversation
        assertThat(seqnos(pm.fetch(BOB, ALICE, 1, 0, 0, 0))).containsExactly(5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void fetchSyncsForwardFromBeginSeqno() {
        chat(5);
        MessagePage p = pm.fetch(ALICE, BOB, 1, 1, 0, 2);
        assertThat(seqnos(p)).containsExactly(3L, 2L); // the oldest after 1, newest first
        assertThat(p.hasMore()).isTrue();
        assertThat(p.minSeqno()).isEqualTo(2);
        assertThat(p.maxSeqno()).isEqualTo(3);

        p = pm.fetch(ALICE, BOB, 1, p.maxSeqno(), 0, 2);
        assertThat(seqnos(p)).containsExactly(5L, 4L);
        assertThat(p.hasMore()).isFalse();

        p = pm.fetch(ALICE, BOB, 1, p.maxSeqno(), 0, 2);
        assertThat(p.messages()).isEmpty();
        assertThat(p.hasMore()).isFalse();
        assertThat(p.minSeqno()).isEqualTo(5);
        assertThat(p.maxSeqno()).isEqualTo(5);

        // begin wins over end
        assertThat(seqnos(pm.fetch(ALICE, BOB, 1, 3, 2, 20))).containsExactly(5L, 4L);
    }

    @Test
    void fetchOfAnEmptyConversation() {
        MessagePage p = pm.fetch(ALICE, CAROL, 1, 0, 0, 20);
        assertThat(p.messages()).isEmpty();
        assertThat(p.hasMore()).isFalse();
        assertThat(p.minSeqno()).isZero();
        assertThat(p.maxSeqno()).isZero();
    }

    @Test
    void fetchPageSizes() {
        chat(25);
        MessagePage p = pm.fetch(ALICE, BOB, 1, 0, 0, 0);
        assertThat(p.messages()).hasSize(PmConfig.PAGE_DEFAULT);
        assertThat(p.hasMore()).isTrue();
        assertThat(p.maxSeqno()).isEqualTo(25);
        assertThat(p.minSeqno()).isEqualTo(6);
        assertThat(pm.fetch(ALICE, BOB, 1, 0, 0, 200).messages()).hasSize(25);
        fails(() -> pm.fetch(ALICE, BOB, 1, 0, 0, 201), -400, "BAD_PARAMETER");
        fails(() -> pm.fetch(ALICE, BOB, 1, 0, 0, -1), -400, "BAD_PARAMETER");
    }

    @Test
    void fetchParametersAreChecked() {
        fails(() -> pm.fetch(0, BOB, 1, 0, 0, 20), -101, "NOT_LOGGED_IN");
        fails(() -> pm.fetch(ALICE, BOB, 2, 0, 0, 20), -400, "BAD_PARAMETER");
        fails(() -> pm.fetch(ALICE, ALICE, 1, 0, 0, 20), -400, "BAD_PARAMETER");
        fails(() -> pm.fetch(ALICE, 0, 1, 0, 0, 20), -400, "BAD_PARAMETER");
        fails(() -> pm.fetch(ALICE, BOB, 1, -1, 0, 20), -400, "BAD_PARAMETER");
        fails(() -> pm.fetch(ALICE, BOB, 1, 0, -1, 20), -400, "BAD_PARAMETER");
    }

    // ---- sessions and ack ----

    @Test
    void ackClampsNeverMovesBackAndRecounts() {
        say(ALICE, BOB, "1");
        say(ALICE, BOB, "2");
        say(ALICE, BOB, "3");
        say(BOB, ALICE, "4");
        say(ALICE, BOB, "5");
        deliver(AB);
        Session bob = pm.session(BOB, ALICE, 1).orElseThrow();
        assertThat(bob.unread()).isEqualTo(4);
        assertThat(bob.ackSeqno()).isZero();
        assertThat(bob.ackTsMicros()).isZero();
        assertThat(pm.session(ALICE, BOB, 1).orElseThrow().unread()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        pm.ack(BOB, ALICE, 1, 2);
        bob = pm.session(BOB, ALICE, 1).orElseThrow();
        assertThat(bob.ackSeqno()).isEqualTo(2);
        assertThat(bob.unread()).isEqualTo(2); // 3 and 5; 4 is Bob's own
        assertThat(bob.ackTsMicros()).isEqualTo(clock.millis() * 1000);

        pm.ack(BOB, ALICE, 1, 1); // never back
        bob = pm.session(BOB, ALICE, 1).orElseThrow();
        assertThat(bob.ackSeqno()).isEqualTo(2);
        assertThat(bob.unread()).isEqualTo(2);

        // a recalled message no longer counts when recounted
        pm.send(recall(ALICE, BOB, Long.toString(messages.all(AB).get(2).msgKey())));
        deliver(AB);
        assertThat(pm.session(BOB, ALICE, 1).orElseThrow().unread()).isEqualTo(1);
        pm.ack(BOB, ALICE, 1, 3);
        assertThat(pm.session(BOB, ALICE, 1).orElseThrow().unread()).isEqualTo(1); // 5 only

        // clamped to the newest message delivered to the session, not beyond
        say(ALICE, BOB, "7 (stored, not yet delivered)");
        pm.ack(BOB, ALICE, 1, 99);
        bob = pm.session(BOB, ALICE, 1).orElseThrow();
        assertThat(bob.ackSeqno()).isEqualTo(6);
        assertThat(bob.unread()).isZero();
        deliver(AB);
        bob = pm.session(BOB, ALICE, 1).orElseThrow();
        assertThat(bob.unread()).isEqualTo(1);
        assertThat(bob.maxSeqno()).isEqualTo(7);
    }

    @Test
    void ackOfAConversationNeverHadIsANoOpAndParametersAreChecked() {
        assertThatCode(() -> pm.ack(BOB, CAROL, 1, 5)).doesNotThrowAnyException();
        assertThat(pm.session(BOB, CAROL, 1)).isEmpty();
        fails(() -> pm.ack(BOB, ALICE, 1, -1), -400, "BAD_PARAMETER");
        fails(() -> pm.ack(BOB, ALICE, 2, 1), -400, "BAD_PARAMETER");
        fails(() -> pm.ack(BOB, BOB, 1, 1), -400, "BAD_PARAMETER");
        fails(() -> pm.ack(0, ALICE, 1, 1), -101, "NOT_LOGGED_IN");
    }

    @Test
    void sessionsPageNewestFirstByTime() {
        say(ALICE, BOB, "to bob");
        clock.advance(Duration.ofSeconds(1));
        say(CAROL, ALICE, "from carol");
        clock.advance(Duration.ofSeconds(1));
        say(ALICE, DAVE, "to dave");
        deliver(AB);
        deliver(ConversationId.of(ALICE, CAROL));
        deliver(ConversationId.of(ALICE, DAVE));

        SessionPage all = pm.sessions(ALICE, 0, 0);
        assertThat(all.sessions()).extracting(Session::talkerMid).containsExactly(DAVE, CAROL, BOB);
        assertThat(all.hasMore()).isFalse();
        Session carol = all.sessions().get(1);
        assertThat(carol.unread()).isEqualTo(1);
        assertThat(carol.tsMicros()).isEqualTo(Session.tsMicrosOf(carol.lastMsg()));
        assertThat(carol.tsMicros() / 1000).isEqualTo(NOW.toEpochMilli() + 1000);
        assertThat(carol.lastMsg().content()).isEqualTo(text("from carol"));
        assertThat(all.sessions().get(0).unread()).isZero();

        SessionPage first = pm.sessions(ALICE, 0, 2);
        assertThat(first.sessions()).extracting(Session::talkerMid).containsExactly(DAVE, CAROL);
        assertThat(first.hasMore()).isTrue();
        SessionPage second = pm.sessions(ALICE, first.sessions().get(1).tsMicros(), 2);
        assertThat(second.sessions()).extracting(Session::talkerMid).containsExactly(BOB);
        assertThat(second.hasMore()).isFalse();

        // a new message moves its session to the top
        clock.advance(Duration.ofSeconds(1));
        say(BOB, ALICE, "back to you");
        deliver(AB);
        assertThat(pm.sessions(ALICE, 0, 20).sessions()).extracting(Session::talkerMid)
                .containsExactly(BOB, DAVE, CAROL);

        assertThat(pm.sessions(CAROL, 0, 20).sessions()).extracting(Session::talkerMid).containsExactly(ALICE);
        assertThat(pm.sessions(NOBODY, 0, 20).sessions()).isEmpty();
        assertThat(pm.session(ALICE, BOB, 1)).isPresent();
        assertThat(pm.session(BOB, CAROL, 1)).isEmpty();
        fails(() -> pm.sessions(ALICE, -1, 20), -400, "BAD_PARAMETER");
        fails(() -> pm.sessions(ALICE, 0, 201), -400, "BAD_PARAMETER");
        fails(() -> pm.sessions(0, 0, 20), -101, "NOT_LOGGED_IN");
        fails(() -> pm.session(ALICE, BOB, 2), -400, "BAD_PARAMETER");
    }
}
