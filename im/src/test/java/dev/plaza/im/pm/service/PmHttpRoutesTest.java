package dev.plaza.im.pm.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.PmConfig;
import dev.plaza.im.pm.biz.PmFakes;
import dev.plaza.im.pm.biz.PmFanout;
import dev.plaza.im.pm.biz.PmUsecase;
import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.kit.http.Authenticator;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.http.HttpTestClient.Call;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The private-message routes behind the real kit edge, over the in-memory fakes (the job runs inline). */
class PmHttpRoutesTest {
    private static final long ALICE = 7;
    private static final long BOB = 8;
    private static final long CAROL = 9;
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");
    private static final ConversationId AB = ConversationId.of(ALICE, BOB);
    private static final String SEND = "/web_im/v1/web_im/send_msg";
    private static final String SESSIONS = "/session_svr/v1/session_svr/get_sessions";
    private static final String DETAIL = "/session_svr/v1/session_svr/session_detail";
    private static final String FETCH = "/svr_sync/v1/svr_sync/fetch_session_msgs";
    private static final String ACK = "/session_svr/v1/session_svr/update_ack";
    private static final String RELATION = "/x/relation/modify";

    private static final List<String> SESSION_FIELDS = List.of("talker_id", "session_type", "at_seqno", "top_ts",
            "group_name", "group_cover", "is_follow", "is_dnd", "ack_seqno", "ack_ts", "session_ts", "unread_count",
            "last_msg", "group_type", "can_fold", "status", "max_seqno", "new_push_msg", "setting", "is_guardian",
            "is_intercept", "is_trust", "system_msg_type", "live_status", "biz_msg_unread_count");
    private static final List<String> MESSAGE_FIELDS = List.of("sender_uid", "receiver_type", "receiver_id",
            "msg_type", "content", "msg_seqno", "timestamp", "at_uids", "msg_key", "msg_key_str", "msg_status",
            "notify_code", "new_face_version", "msg_source");

    private final MutableClock clock = new MutableClock(NOW);
    private final PmFakes.Messages messages = new PmFakes.Messages(clock);
    private final PmFakes.Sessions sessions = new PmFakes.Sessions();
    private final PmFakes.Blocks blocks = new PmFakes.Blocks();
    private final PmFakes.Pusher pusher = new PmFakes.Pusher();
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        PmFanout fanout = new PmFanout(messages, sessions, pusher);
        PmUsecase pm = new PmUsecase(PmConfig.defaults(), messages, sessions, blocks,
                new PmFakes.Users(ALICE, BOB, CAROL), new PmFakes.Limiter(1000), fanout::deliver, PmFakes.ids(),
                clock);
        Map<String, Principal> tokens = Map.of(
                "alice-token", new Principal(ALICE, "alice", false, "a".repeat(32)),
                "bob-token", new Principal(BOB, "bob", false, "b".repeat(32)));
        Authenticator auth = token -> Optional.ofNullable(tokens.get(token));
        edge = HttpEdge.builder(new HttpEdgeConfig("127.0.0.1", 0, List.of("http://ui.example"), 4096,
                        Duration.ofSeconds(5)))
                .meterRegistry(new SimpleMeterRegistry())
                .authenticator(auth)
                .routes(new PmHttpRoutes(pm))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private Call send(String token, long to, String content) {
        return http.post(SEND).bearer(token).param("msg[receiver_id]", to).param("msg[receiver_type]", 1)
                .param("msg[msg_type]", 1).param("msg[content]", content);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void ok(Answer a) {
        assertThat(a.code()).as(a.toString()).isZero();
    }

    @Test
    void anonymousCallsAre101() {
        assertThat(send("nope", BOB, "{\"content\":\"hi\"}").send().code()).isEqualTo(-101);
        assertThat(http.get(SESSIONS).send().code()).isEqualTo(-101);
        assertThat(http.get(FETCH).param("talker_id", BOB).send().code()).isEqualTo(-101);
        assertThat(http.post(RELATION).param("fid", BOB).param("act", 5).send().code()).isEqualTo(-101);
        assertThat(messages.count()).isZero();
    }

    @Test
    void sendAnswersTheStoredMessage() {
        Answer a = send("alice-token", BOB, "{\"content\":\" hi \"}").param("msg[sender_uid]", ALICE)
                .param("msg[dev_id]", "A1B2C3D4-0000-0000-0000-000000000000")
                .param("msg[timestamp]", NOW.getEpochSecond()).param("msg[new_face_version]", 0).send();
        ok(a);
        JsonNode d = a.data();
        assertThat(fields(d)).containsExactly("msg_key", "msg_key_str", "msg_seqno", "msg_content", "key_hit_infos");
        PrivateMessage stored = messages.all(AB).getFirst();
        assertThat(d.get("msg_key").isNumber()).isTrue();
        assertThat(d.get("msg_key").asLong()).isEqualTo(stored.msgKey());
        assertThat(d.get("msg_key_str").asText()).isEqualTo(Long.toString(stored.msgKey()));
        assertThat(d.get("msg_seqno").asLong()).isEqualTo(1);
        assertThat(d.get("msg_content").asText()).isEqualTo("{\"content\":\"hi\"}");
        assertThat(d.get("key_hit_infos").isObject()).isTrue();
        assertThat(d.get("key_hit_infos")).isEmpty();
        assertThat(pusher.pushes).hasSize(1);

        // msg[sender_uid] is optional
        Answer reply = send("bob-token", ALICE, "{\"content\":\"yo\"}").send();
        ok(reply);
        assertThat(reply.data().get("msg_seqno").asLong()).isEqualTo(2);

        // a recall answers the notice, whose content is the recalled key
        Answer recall = http.post(SEND).bearer("alice-token").param("msg[receiver_id]", BOB)
                .param("msg[receiver_type]", 1).param("msg[msg_type]", 5)
                .param("msg[content]", stored.msgKey()).send();
        ok(recall);
        assertThat(recall.data().get("msg_content").asText()).isEqualTo(Long.toString(stored.msgKey()));
        assertThat(recall.data().get("msg_seqno").asLong()).isEqualTo(3);
    }

    @Test
    void badSendsAreRefusedAndStoreNothing() {
        String hi = "{\"content\":\"hi\"}";
        assertThat(send("alice-token", BOB, hi).param("msg[sender_uid]", BOB).send().code()).isEqualTo(-400);
        assertThat(send("alice-token", BOB, hi).param("msg[sender_uid]", "x").send().code()).isEqualTo(-400);
        assertThat(http.post(SEND).bearer("alice-token").param("msg[receiver_id]", "bob")
                .param("msg[receiver_type]", 1).param("msg[msg_type]", 1).param("msg[content]", hi).send().code())
                .isEqualTo(-400);
        assertThat(http.post(SEND).bearer("alice-token").param("msg[receiver_id]", BOB)
                .param("msg[receiver_type]", 1).param("msg[content]", hi).send().code()).isEqualTo(-400);
        assertThat(send("alice-token", BOB, "hi").send().code()).isEqualTo(-400);
        assertThat(send("alice-token", ALICE, hi).send().code()).isEqualTo(-400);
        assertThat(send("alice-token", 404, hi).send().code()).isEqualTo(-404);
        assertThat(http.post(SEND).bearer("alice-token").param("msg[receiver_id]", BOB)
                .param("msg[receiver_type]", 1).param("msg[msg_type]", 2).param("msg[content]", hi).send().code())
                .isEqualTo(-400);
        assertThat(messages.count()).isZero();
        assertThat(pusher.pushes).isEmpty();
    }

    @Test
    void getSessionsAnswersBilibiliSessionObjects() {
        ok(send("alice-token", BOB, "{\"content\":\"hi\"}").send());
        Answer a = http.get(SESSIONS).bearer("bob-token").send();
        ok(a);
        assertThat(fields(a.data())).containsExactly("session_list", "has_more");
        assertThat(a.data().get("has_more").asInt()).isZero();
        JsonNode list = a.data().get("session_list");
        assertThat(list).hasSize(1);
        JsonNode s = list.get(0);
        assertThat(fields(s)).containsExactlyElementsOf(SESSION_FIELDS);
        assertThat(s.get("talker_id").asLong()).isEqualTo(ALICE);
        assertThat(s.get("session_type").asInt()).isEqualTo(1);
        assertThat(s.get("unread_count").asInt()).isEqualTo(1);
        assertThat(s.get("ack_seqno").asLong()).isZero();
        assertThat(s.get("max_seqno").asLong()).isEqualTo(1);
        assertThat(s.get("session_ts").asLong()).isEqualTo(NOW.toEpochMilli() * 1000);
        assertThat(s.get("group_name").asText()).isEmpty();
        JsonNode last = s.get("last_msg");
        assertThat(fields(last)).containsExactlyElementsOf(MESSAGE_FIELDS);
        assertThat(last.get("sender_uid").asLong()).isEqualTo(ALICE);
        assertThat(last.get("receiver_id").asLong()).isEqualTo(BOB);
        assertThat(last.get("receiver_type").asInt()).isEqualTo(1);
        assertThat(last.get("msg_type").asInt()).isEqualTo(1);
        assertThat(last.get("content").asText()).isEqualTo("{\"content\":\"hi\"}");
        assertThat(last.get("timestamp").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(last.get("at_uids").isNull()).isTrue();
        assertThat(last.get("msg_key").isNumber()).isTrue();
        assertThat(last.get("msg_key_str").asText()).isEqualTo(last.get("msg_key").asText());
        assertThat(last.get("msg_status").asInt()).isZero();

        // 4 ("all") lists the same; 2 and 3 are kinds of session Plaza does not have
        assertThat(http.get(SESSIONS).bearer("bob-token").param("session_type", 4).send().data()
                .get("session_list")).hasSize(1);
        for (int type : new int[] {2, 3}) {
            Answer none = http.get(SESSIONS).bearer("bob-token").param("session_type", type).send();
            ok(none);
            assertThat(none.data().get("session_list").isArray()).isTrue();
            assertThat(none.data().get("session_list")).isEmpty();
            assertThat(none.data().get("has_more").asInt()).isZero();
        }
        assertThat(http.get(SESSIONS).bearer("bob-token").param("session_type", 9).send().code()).isEqualTo(-400);
        assertThat(http.get(SESSIONS).bearer("bob-token").param("size", "many").send().code()).isEqualTo(-400);
        assertThat(http.get(SESSIONS).bearer("bob-token").param("size", 201).send().code()).isEqualTo(-400);
        assertThat(http.get(SESSIONS).bearer("bob-token").param("end_ts", "soon").send().code()).isEqualTo(-400);
    }

    @Test
    void getSessionsPagesByEndTs() {
        ok(send("alice-token", BOB, "{\"content\":\"first\"}").send());
        clock.advance(Duration.ofSeconds(1));
        ok(send("alice-token", CAROL, "{\"content\":\"second\"}").send());
        Answer first = http.get(SESSIONS).bearer("alice-token").param("size", 1).send();
        ok(first);
        assertThat(first.data().get("has_more").asInt()).isEqualTo(1);
        JsonNode newest = first.data().get("session_list").get(0);
        assertThat(newest.get("talker_id").asLong()).isEqualTo(CAROL);
        Answer second = http.get(SESSIONS).bearer("alice-token").param("size", 1)
                .param("end_ts", newest.get("session_ts").asLong()).send();
        ok(second);
        assertThat(second.data().get("has_more").asInt()).isZero();
        assertThat(second.data().get("session_list").get(0).get("talker_id").asLong()).isEqualTo(BOB);
    }

    @Test
    void sessionDetailAndAck() {
        ok(send("alice-token", BOB, "{\"content\":\"one\"}").send());
        ok(send("alice-token", BOB, "{\"content\":\"two\"}").send());
        Answer d = http.get(DETAIL).bearer("bob-token").param("talker_id", ALICE).param("session_type", 1).send();
        ok(d);
        assertThat(fields(d.data())).containsExactlyElementsOf(SESSION_FIELDS);
        assertThat(d.data().get("unread_count").asInt()).isEqualTo(2);
        assertThat(d.data().get("last_msg").get("msg_seqno").asLong()).isEqualTo(2);

        assertThat(http.get(DETAIL).bearer("bob-token").param("talker_id", CAROL).send().code()).isEqualTo(-404);
        assertThat(http.get(DETAIL).bearer("bob-token").send().code()).isEqualTo(-400);
        assertThat(http.get(DETAIL).bearer("bob-token").param("talker_id", ALICE).param("session_type", 2).send()
                .code()).isEqualTo(-400);

        clock.advance(Duration.ofSeconds(3));
        Answer ack = http.post(ACK).bearer("bob-token").param("talker_id", ALICE).param("session_type", 1)
                .param("ack_seqno", 1).send();
        ok(ack);
        assertThat(ack.json().has("data")).isFalse();
        JsonNode s = http.get(DETAIL).bearer("bob-token").param("talker_id", ALICE).send().data();
        assertThat(s.get("ack_seqno").asLong()).isEqualTo(1);
        assertThat(s.get("unread_count").asInt()).isEqualTo(1);
        assertThat(s.get("ack_ts").asLong()).isEqualTo(clock.millis() * 1000);

        assertThat(http.post(ACK).bearer("bob-token").param("talker_id", ALICE).send().code()).isEqualTo(-400);
        assertThat(http.post(ACK).bearer("bob-token").param("talker_id", ALICE).param("ack_seqno", "last").send()
                .code()).isEqualTo(-400);
    }

    @Test
    void fetchSessionMsgsAnswersBilibiliFields() {
        for (int i = 1; i <= 3; i++) {
            ok(send("alice-token", BOB, "{\"content\":\"m" + i + "\"}").send());
        }
        Answer a = http.get(FETCH).bearer("bob-token").param("talker_id", ALICE).param("session_type", 1)
                .param("size", 2).send();
        ok(a);
        JsonNode d = a.data();
        assertThat(fields(d)).containsExactly("messages", "has_more", "min_seqno", "max_seqno", "e_infos");
        assertThat(d.get("has_more").asInt()).isEqualTo(1);
        assertThat(d.get("min_seqno").asLong()).isEqualTo(2);
        assertThat(d.get("max_seqno").asLong()).isEqualTo(3);
        assertThat(d.get("e_infos").isArray()).isTrue();
        assertThat(d.get("e_infos")).isEmpty();
        JsonNode msgs = d.get("messages");
        assertThat(msgs).hasSize(2);
        assertThat(fields(msgs.get(0))).containsExactlyElementsOf(MESSAGE_FIELDS);
        assertThat(msgs.get(0).get("msg_seqno").asLong()).isEqualTo(3);
        assertThat(msgs.get(1).get("msg_seqno").asLong()).isEqualTo(2);
        assertThat(msgs.get(0).get("content").asText()).isEqualTo("{\"content\":\"m3\"}");

        Answer older = http.get(FETCH).bearer("bob-token").param("talker_id", ALICE).param("end_seqno", 2).send();
        ok(older);
        assertThat(older.data().get("messages")).hasSize(1);
        assertThat(older.data().get("has_more").asInt()).isZero();

        Answer sync = http.get(FETCH).bearer("alice-token").param("talker_id", BOB).param("begin_seqno", 1).send();
        ok(sync);
        assertThat(sync.data().get("messages")).extracting(m -> m.get("msg_seqno").asLong()).containsExactly(3L, 2L);

        assertThat(http.get(FETCH).bearer("bob-token").param("talker_id", ALICE).param("begin_seqno", "x").send()
                .code()).isEqualTo(-400);
        assertThat(http.get(FETCH).bearer("bob-token").send().code()).isEqualTo(-400);
        assertThat(http.get(FETCH).bearer("bob-token").param("talker_id", ALICE).param("size", 1000).send().code())
                .isEqualTo(-400);
    }

    @Test
    void relationSaysWhetherTheCallerBlockedSomeone() {
        Answer none = http.get("/x/relation").bearer("bob-token").param("fid", ALICE).send();
        ok(none);
        assertThat(none.data().path("mid").asLong()).isEqualTo(ALICE);
        assertThat(none.data().path("attribute").asInt()).isZero();
        ok(http.post(RELATION).bearer("bob-token").param("fid", ALICE).param("act", 5).send());
        assertThat(http.get("/x/relation").bearer("bob-token").param("fid", ALICE).send().data().path("attribute")
                .asInt()).isEqualTo(128);
        // the one blocked sees no attribute of their own
        assertThat(http.get("/x/relation").bearer("alice-token").param("fid", BOB).send().data().path("attribute")
                .asInt()).isZero();
        assertThat(http.get("/x/relation").bearer("bob-token").param("fid", BOB).send().code()).isEqualTo(-400);
        assertThat(http.get("/x/relation").bearer("bob-token").param("fid", 999_999).send().code()).isEqualTo(-404);
        assertThat(http.get("/x/relation").param("fid", ALICE).send().code()).isEqualTo(-101);
    }

    @Test
    void relationModifyBlocksAndUnblocks() {
        String hi = "{\"content\":\"hi\"}";
        Answer block = http.post(RELATION).bearer("bob-token").param("fid", ALICE).param("act", 5)
                .param("re_src", 11).send();
        ok(block);
        assertThat(block.json().has("data")).isFalse();
        assertThat(blocks.isBlocked(BOB, ALICE)).isTrue();
        assertThat(send("alice-token", BOB, hi).send().code()).isEqualTo(21001);
        assertThat(send("bob-token", ALICE, hi).send().code()).isEqualTo(21001);

        ok(http.post(RELATION).bearer("bob-token").param("fid", ALICE).param("act", 6).send());
        assertThat(blocks.isBlocked(BOB, ALICE)).isFalse();
        ok(send("alice-token", BOB, hi).send());

        for (Object act : new Object[] {1, 2, 3, 4, 7, 0, "block"}) {
            assertThat(http.post(RELATION).bearer("bob-token").param("fid", ALICE).param("act", act).send().code())
                    .as("act %s", act).isEqualTo(-400);
        }
        assertThat(http.post(RELATION).bearer("bob-token").param("fid", ALICE).send().code()).isEqualTo(-400);
        assertThat(http.post(RELATION).bearer("bob-token").param("act", 5).send().code()).isEqualTo(-400);
        assertThat(http.post(RELATION).bearer("bob-token").param("fid", BOB).param("act", 5).send().code())
                .isEqualTo(-400);
        assertThat(http.post(RELATION).bearer("bob-token").param("fid", 404).param("act", 5).send().code())
                .isEqualTo(-404);
        assertThat(blocks.isBlocked(BOB, ALICE)).isFalse();
    }
}
