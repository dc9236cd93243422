package dev.plaza.im.live.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.im.live.biz.Danmaku;
import dev.plaza.im.live.biz.DanmakuHistoryRepo;
import dev.plaza.im.live.biz.DanmakuUsecase;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.live.biz.RoomQuota;
import dev.plaza.im.live.biz.UserNames;
import dev.plaza.kit.http.Authenticator;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.text.SensitiveFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live routes behind the real kit edge, over in-memory fakes. */
class LiveHttpRoutesTest {
    private static final Principal ALICE = new Principal(7, "alice", false, "c".repeat(32));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<byte[]> published = new ArrayList<>();
    private final List<Danmaku> stored = new ArrayList<>();
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() {
        DanmakuHistoryRepo history = new DanmakuHistoryRepo() {
            @Override
            public void append(Danmaku d) {
                stored.add(d);
            }

            @Override
            public List<Danmaku> recent(long roomId) {
                return stored.stream().filter(d -> d.roomId() == roomId).toList();
            }
        };
        DanmakuUsecase usecase = new DanmakuUsecase(LiveConfig.defaults(),
                new SensitiveFilter(List.of("badword"), SensitiveFilter.Mode.REJECT), room -> room == 1000,
                (mid, room) -> true, RoomQuota.unlimited(), (room, op, body) -> published.add(body), history, UserNames.none(),
                Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));
        Authenticator auth = token -> token.equals("alice-token") ? Optional.of(ALICE) : Optional.empty();
        edge = HttpEdge.builder(new HttpEdgeConfig("127.0.0.1", 0, List.of("http://ui.example"), 2048,
                        Duration.ofSeconds(5)))
                .meterRegistry(new SimpleMeterRegistry())
                .authenticator(auth)
                .routes(new LiveHttpRoutes(usecase, ZoneOffset.UTC,
                        () -> List.of(new LiveHttpRoutes.CometHost("127.0.0.1", 3101, 3102))))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    @Test
    void danmuInfoListsTheCometsInBilibilisLayout() {
        Answer a = http.get("/xlive/web-room/v1/index/getDanmuInfo").param("id", 1000).send();
        assertThat(a.code()).isZero();
        assertThat(a.data().path("host_list").size()).isEqualTo(1);
        assertThat(a.data().path("host_list").path(0).path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(a.data().path("host_list").path(0).path("port").asInt()).isEqualTo(3101);
        assertThat(a.data().path("host_list").path(0).path("ws_port").asInt()).isEqualTo(3102);
        assertThat(a.data().path("token").asText()).isEmpty();
        assertThat(http.get("/xlive/web-room/v1/index/getDanmuInfo").send().code()).as("no room id").isEqualTo(-400);
    }

    @Test
    void anonymousSendIs101() {
        Answer a = http.post("/msg/send").param("roomid", 1000).param("msg", "hi").send();
        assertThat(a.code()).isEqualTo(-101);
        assertThat(published).isEmpty();
    }

    @Test
    void badParametersAre400() {
        assertThat(http.post("/msg/send").bearer("alice-token").param("msg", "hi").send().code()).isEqualTo(-400);
        assertThat(http.post("/msg/send").bearer("alice-token").param("roomid", 1000).send().code())
                .isEqualTo(-400);
        assertThat(http.post("/msg/send").bearer("alice-token").param("roomid", 1000).param("msg", "hi")
                .param("mode", 3).send().code()).isEqualTo(-400);
        assertThat(http.post("/msg/send").bearer("alice-token").param("roomid", 1000).param("msg", "hi")
                .param("color", "red").send().code()).isEqualTo(-400);
        assertThat(http.post("/msg/send").bearer("alice-token").param("roomid", 1000).param("msg", "a badword")
                .send().code()).isEqualTo(-400);
        assertThat(http.post("/msg/send").bearer("alice-token").param("roomid", 5).param("msg", "hi")
                .send().code()).isEqualTo(-404);
        assertThat(published).isEmpty();
        assertThat(stored).isEmpty();
    }

    @Test
    void sendThenHistory() throws Exception {
        Answer sent = http.post("/msg/send").bearer("alice-token").param("roomid", 1000)
                .param("msg", "<b>hello</b>").param("rnd", 1714564800).send();
        assertThat(sent.code()).as(sent.toString()).isZero();
        JsonNode modeInfo = sent.data().get("mode_info");
        assertThat(modeInfo.get("mode").asInt()).isEqualTo(1);
        JsonNode extra = JSON.readTree(modeInfo.get("extra").asText());
        assertThat(extra.get("content").asText()).isEqualTo("<b>hello</b>");
        assertThat(extra.get("color").asInt()).isEqualTo(16777215);
        assertThat(extra.get("font_size").asInt()).isEqualTo(25);

        assertThat(published).hasSize(1);
        JsonNode info = JSON.readTree(published.getFirst()).get("info");
        assertThat(info.get(1).asText()).isEqualTo("<b>hello</b>");
        assertThat(info.get(2).get(1).asText()).isEqualTo("alice"); // the principal's name
        assertThat(info.get(0).get(5).asLong()).isEqualTo(1714564800L);

        http.post("/msg/send").bearer("alice-token").param("roomid", 1000).param("msg", "second").send();
        Answer h = http.get("/xlive/web-room/v1/dM/gethistory").param("roomid", 1000).send();
        assertThat(h.code()).isZero();
        assertThat(h.data().get("admin").isArray()).isTrue();
        assertThat(h.data().get("admin")).isEmpty();
        JsonNode room = h.data().get("room");
        assertThat(room).hasSize(2);
        assertThat(room.get(0).get("text").asText()).isEqualTo("<b>hello</b>");
        assertThat(room.get(1).get("text").asText()).isEqualTo("second");
        JsonNode last = room.get(1);
        assertThat(last.get("uid").asLong()).isEqualTo(7);
        assertThat(last.get("nickname").asText()).isEqualTo("alice");
        assertThat(last.get("timeline").asText()).isEqualTo("2024-05-01 12:00:00");
        assertThat(last.get("dm_type").asInt()).isZero();
        assertThat(last.get("id_str").asText()).isEqualTo(stored.get(1).id());

        assertThat(http.get("/xlive/web-room/v1/dM/gethistory").param("roomid", 5).send().code()).isEqualTo(-404);
        assertThat(http.get("/xlive/web-room/v1/dM/gethistory").send().code()).isEqualTo(-400);
    }
}
