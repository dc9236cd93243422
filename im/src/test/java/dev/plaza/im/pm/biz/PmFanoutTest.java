package dev.plaza.im.pm.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.kit.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PmFanoutTest {
    private static final long ALICE = 7;
    private static final long BOB = 8;
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");
    private static final ConversationId AB = ConversationId.of(ALICE, BOB);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(NOW);
    private final PmFakes.Messages messages = new PmFakes.Messages(clock);
    private final PmFakes.Sessions sessions = new PmFakes.Sessions();
    private final PmFakes.Pusher pusher = new PmFakes.Pusher();
    private final PmFanout fanout = new PmFanout(messages, sessions, pusher);
    private long nextKey = 5000;

    private PrivateMessage store(long from, long to, String text) {
        clock.advance(Duration.ofMillis(10));
        return messages.append(new NewMessage(nextKey++, from, to, PrivateMessage.TYPE_TEXT,
                "{\"content\":\"" + text + "\"}", clock.millis()));
    }

    private PrivateMessage storeRecall(long from, long to, PrivateMessage original) {
        clock.advance(Duration.ofMillis(10));
        NewMessage notice = new NewMessage(nextKey++, from, to, PrivateMessage.TYPE_RECALL,
                Long.toString(original.msgKey()), clock.millis());
        return messages.recall(original.conversation(), original.msgKey(), notice).orElseThrow();
    }

    private static JsonNode data(PmFakes.Push p) {
        try {
            JsonNode root = JSON.readTree(p.body());
            assertThat(root.get("cmd").asText()).isEqualTo(PmPushBody.CMD);
            return root.get("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Long> pushedSeqnos() {
        return pusher.pushes.stream().map(p -> data(p).get("msg_seqno").asLong()).toList();
    }

    private Session session(long owner, long talker) {
        return sessions.get(owner, talker).orElseThrow();
    }

    @Test
    void deliversEachMessageToBothUsersInSeqnoOrder() {
        PrivateMessage m1 = store(ALICE, BOB, "one");
        store(ALICE, BOB, "two");
        PrivateMessage m3 = store(BOB, ALICE, "three");

        assertThat(fanout.deliver(AB, 3)).isEqualTo(3);
        assertThat(pushedSeqnos()).containsExactly(1L, 2L, 3L);
        assertThat(pusher.pushes.get(0).mids()).containsExactly(BOB, ALICE);
        assertThat(pusher.pushes.get(2).mids()).containsExactly(ALICE, BOB);
        JsonNode first = data(pusher.pushes.get(0));
        assertThat(first.get("sender_uid").asLong()).isEqualTo(ALICE);
        assertThat(first.get("receiver_id").asLong()).isEqualTo(BOB);
        assertThat(first.get("content").asText()).isEqualTo(m1.content());
        assertThat(first.get("msg_key_str").asText()).isEqualTo(Long.toString(m1.msgKey()));
        assertThat(first.get("timestamp").asLong()).isEqualTo(m1.tsMillis() / 1000);
        assertThat(messages.deliveredSeqno(AB)).isEqualTo(3);

        Session bob = session(BOB, ALICE);
        assertThat(bob.unread()).isEqualTo(2);
        assertThat(bob.maxSeqno()).isEqualTo(3);
        assertThat(bob.lastMsg()).isEqualTo(m3);
        assertThat(bob.tsMicros()).isEqualTo(Session.tsMicrosOf(m3));
        Session alice = session(ALICE, BOB);
        assertThat(alice.unread()).isEqualTo(1);
        assertThat(alice.maxSeqno()).isEqualTo(3);
        assertThat(alice.lastMsg()).isEqualTo(m3);
    }

    @Test
    void aRepeatedOrStaleNoticeIsANoOp() {
        store(ALICE, BOB, "one");
        store(ALICE, BOB, "two");
        assertThat(fanout.deliver(AB, 2)).isEqualTo(2);
        int applied = sessions.applied;

        assertThat(fanout.deliver(AB, 2)).isZero();
        assertThat(fanout.deliver(AB, 1)).isZero();
        assertThat(pusher.pushes).hasSize(2);
        assertThat(sessions.applied).isEqualTo(applied);
        assertThat(session(BOB, ALICE).unread()).isEqualTo(2);
    }

    @Test
    void aNoticeDeliversEverythingStoredPastTheCursor() {
        store(ALICE, BOB, "one");
        store(ALICE, BOB, "two");
        store(ALICE, BOB, "three");
        // the notice of seqno 1 arrives after 2 and 3 were stored (or their notices were lost)
        assertThat(fanout.deliver(AB, 1)).isEqualTo(3);
        assertThat(messages.deliveredSeqno(AB)).isEqualTo(3);
        assertThat(fanout.deliver(AB, 3)).isZero();
        assertThat(pushedSeqnos()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aNoticeBeyondTheStoreDeliversWhatThereIs() {
        store(ALICE, BOB, "one");
        assertThat(fanout.deliver(AB, 5)).isEqualTo(1);
        assertThat(messages.deliveredSeqno(AB)).isEqualTo(1);
        assertThat(fanout.deliver(AB, 5)).isZero();
    }

    @Test
    void aLongBacklogIsDeliveredInStepsInOrder() {
        int n = PmFanout.STEP * 2 + 17;
        for (int i = 0; i < n; i++) {
            store(ALICE, BOB, "m" + i);
        }
        assertThat(fanout.deliver(AB, n)).isEqualTo(n);
        assertThat(pushedSeqnos()).isSorted().hasSize(n).doesNotHaveDuplicates();
        assertThat(messages.deliveredSeqno(AB)).isEqualTo(n);
        assertThat(session(BOB, ALICE).unread()).isEqualTo(n);
    }

    @Test
    void theRecallOfAnUnreadMessageTakesItOffTheUnreadCount() {
        PrivateMessage m1 = store(ALICE, BOB, "oops");
        fanout.deliver(AB, 1);
        assertThat(session(BOB, ALICE).unread()).isEqualTo(1);

        PrivateMessage notice = storeRecall(ALICE, BOB, m1);
        assertThat(fanout.deliver(AB, notice.seqno())).isEqualTo(1);
        Session bob = session(BOB, ALICE);
        assertThat(bob.unread()).isZero();
        assertThat(bob.maxSeqno()).isEqualTo(2);
        assertThat(bob.lastMsg().msgType()).isEqualTo(PrivateMessage.TYPE_RECALL);
        assertThat(session(ALICE, BOB).unread()).isZero();
        JsonNode pushed = data(pusher.pushes.get(1));
        assertThat(pushed.get("msg_type").asInt()).isEqualTo(PrivateMessage.TYPE_RECALL);
        assertThat(pushed.get("content").asText()).isEqualTo(Long.toString(m1.msgKey()));
        assertThat(pusher.pushes.get(1).mids()).containsExactly(BOB, ALICE);
    }

    @Test
    void theRecallOfAReadMessageLeavesTheUnreadCount() {
        PrivateMessage m1 = store(ALICE, BOB, "read");
        fanout.deliver(AB, 1);
        assertThat(sessions.ack(BOB, ALICE, 1, 0, 1, clock.millis() * 1000)).isTrue();
        PrivateMessage m2 = store(ALICE, BOB, "unread");
        fanout.deliver(AB, 2);
        assertThat(session(BOB, ALICE).unread()).isEqualTo(1);

        fanout.deliver(AB, storeRecall(ALICE, BOB, m1).seqno());
        assertThat(session(BOB, ALICE).unread()).isEqualTo(1);

        fanout.deliver(AB, storeRecall(ALICE, BOB, m2).seqno());
        assertThat(session(BOB, ALICE).unread()).isZero();
    }

    @Test
    void aMessageRecalledBeforeItWasDeliveredNetsToNothing() {
        PrivateMessage m1 = store(ALICE, BOB, "quick");
        PrivateMessage notice = storeRecall(ALICE, BOB, m1);
        assertThat(fanout.deliver(AB, notice.seqno())).isEqualTo(2);
        assertThat(session(BOB, ALICE).unread()).isZero();
        assertThat(session(BOB, ALICE).maxSeqno()).isEqualTo(2);
        // the original goes out already emptied
        JsonNode original = data(pusher.pushes.get(0));
        assertThat(original.get("content").asText()).isEmpty();
        assertThat(original.get("msg_status").asInt()).isEqualTo(PrivateMessage.STATUS_RECALLED);
    }

    @Test
    void aFailedPushIsRetriedWithoutSkippingAnything() {
        store(ALICE, BOB, "one");
        store(ALICE, BOB, "two");
        store(ALICE, BOB, "three");
        pusher.failAt = 2;

        assertThatThrownBy(() -> fanout.deliver(AB, 3)).isInstanceOf(IllegalStateException.class);
        assertThat(pushedSeqnos()).containsExactly(1L);
        // the cursor never passes a message that was not fully delivered
        assertThat(messages.deliveredSeqno(AB)).isLessThan(2);
        assertThat(session(BOB, ALICE).maxSeqno()).isEqualTo(1);
        assertThat(session(BOB, ALICE).unread()).isEqualTo(1);

        // the retry (Kafka redelivers the notice) continues from the cursor: every message goes out, in order,
        // and the sessions count each one once
        long cursor = messages.deliveredSeqno(AB);
        assertThat(fanout.deliver(AB, 3)).isEqualTo(3 - (int) cursor);
        assertThat(pushedSeqnos().subList(1, pushedSeqnos().size())).isSorted().endsWith(2L, 3L)
                .startsWith(cursor + 1);
        assertThat(pushedSeqnos()).contains(1L, 2L, 3L);
        assertThat(messages.deliveredSeqno(AB)).isEqualTo(3);
        Session bob = session(BOB, ALICE);
        assertThat(bob.unread()).isEqualTo(3);
        assertThat(bob.maxSeqno()).isEqualTo(3);
        assertThat(session(ALICE, BOB).unread()).isZero();
    }
}
