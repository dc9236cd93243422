package dev.plaza.im.live.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.text.SensitiveFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

class DanmakuUsecaseTest {
    private static final long ROOM = 1000;
    private static final long ALICE = 7;
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Published(String room, int op, byte[] body) {
    }

    private final List<Published> published = new ArrayList<>();
    private final List<Danmaku> stored = new ArrayList<>();
    private final List<Long> counted = new ArrayList<>();
    private final Map<String, Integer> taken = new HashMap<>();
    private final Map<Long, Integer> roomTaken = new HashMap<>();
    private int roomLimit = 1000;
    private final DanmakuUsecase usecase = usecase(LiveConfig.defaults(), Set.of(ROOM));

    private DanmakuUsecase usecase(LiveConfig cfg, Set<Long> rooms) {
        DanmakuRateLimiter limiter = (mid, room) ->
                taken.merge(mid + ":" + room, 1, Integer::sum) <= cfg.perRoomBurst();
        RoomQuota roomQuota = room -> roomTaken.merge(room, 1, Integer::sum) <= roomLimit;
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
        return new DanmakuUsecase(cfg, new SensitiveFilter(List.of("badword"), SensitiveFilter.Mode.REJECT),
                rooms::contains, limiter, roomQuota, (room, op, body) -> published.add(new Published(room, op, body)),
                history, mid -> "looked-up-" + mid, counted::add, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static SendDanmaku msg(String text) {
        return new SendDanmaku(ALICE, "alice", ROOM, text, 0xFF0000, 4, 30, 99);
    }

    private void refused(SendDanmaku s, int code, String reason) {
        assertThatThrownBy(() -> usecase.send(s)).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).isEqualTo(reason);
        });
        assertThat(published).isEmpty();
        assertThat(stored).isEmpty();
        assertThat(taken).isEmpty(); // a refused message spends no budget
        assertThat(roomTaken).isEmpty();
        assertThat(counted).as("a refused danmaku is not counted").isEmpty();
    }

    @Test
    void everyValidationErrorPublishesAndStoresNothing() {
        refused(new SendDanmaku(0, "", ROOM, "hi", 0, 1, 25, 0), -101, "NOT_LOGGED_IN");
        refused(new SendDanmaku(-1, "", ROOM, "hi", 0, 1, 25, 0), -101, "NOT_LOGGED_IN");
        refused(new SendDanmaku(ALICE, "a", 0, "hi", 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, null, 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "   ", 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "x".repeat(101), 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "line\nbreak", 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "nul\u0000", 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "lone\uD800", 0, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "hi", -1, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "hi", 0x1000000, 1, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "hi", 0, 2, 25, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "hi", 0, 1, 11, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", ROOM, "hi", 0, 1, 65, 0), -400, LiveErrors.BAD_PARAMETER);
        refused(new SendDanmaku(ALICE, "a", 404, "hi", 0, 1, 25, 0), -404, LiveErrors.ROOM_NOT_FOUND);
        refused(msg("this has a BadWord in it"), -400, LiveErrors.DANMAKU_SENSITIVE);
        refused(msg("ｂａｄｗｏｒｄ"), -400, LiveErrors.DANMAKU_SENSITIVE); // full width folds as comments do
    }

    @Test
    void eachSentDanmakuIsCountedForItsRoom() {
        usecase.send(msg("one"));
        usecase.send(msg("two"));
        assertThat(counted).containsExactly(ROOM, ROOM);
    }

    @Test
    void lengthCountsCodePointsAfterTrimming() {
        String hundredEmoji = "\uD83D\uDE00".repeat(100); // 200 chars, 100 code points
        usecase.send(msg("  " + hundredEmoji + "  "));
        assertThat(stored.getFirst().text()).isEqualTo(hundredEmoji);
    }

    @Test
    void danmuMsgHasBilibilisLayout() throws Exception {
        Danmaku d = usecase.send(msg("  hello  "));

        assertThat(published).hasSize(1);
        Published p = published.getFirst();
        assertThat(p.room()).isEqualTo("live://1000");
        assertThat(p.op()).isEqualTo(DanmakuUsecase.OP_ROOM_MESSAGE);
        JsonNode root = JSON.readTree(p.body());
        assertThat(root.get("cmd").asText()).isEqualTo("DANMU_MSG");
        JsonNode info = root.get("info");
        assertThat(info.size()).isEqualTo(16);
        assertThat(info.get(0).size()).isEqualTo(16);
        assertThat(info.get(0).get(1).asInt()).isEqualTo(4); // mode
        assertThat(info.get(0).get(2).asInt()).isEqualTo(30); // font size
        assertThat(info.get(0).get(3).asInt()).isEqualTo(0xFF0000); // color
        assertThat(info.get(0).get(4).asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(info.get(0).get(5).asLong()).isEqualTo(99); // rnd
        assertThat(info.get(1).asText()).isEqualTo("hello");
        assertThat(info.get(2).get(0).asLong()).isEqualTo(ALICE);
        assertThat(info.get(2).get(1).asText()).isEqualTo("alice");
        assertThat(info.get(4).get(2).asInt()).isEqualTo(9868950);
        assertThat(info.get(8).isNull()).isTrue();
        assertThat(info.get(9).get("ts").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(info.get(9).get("ct").asText()).isEmpty();

        assertThat(stored).containsExactly(d);
        assertThat(d.text()).isEqualTo("hello");
        assertThat(d.tsMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(d.id()).hasSize(32);
        assertThat(usecase.recent(ROOM)).containsExactly(d);
    }

    @Test
    void markupIsDataEscapedOnlyByJson() throws Exception {
        String evil = "<img src=x onerror=alert(1)> \"quoted\" \\ </script>";
        usecase.send(msg(evil));

        byte[] body = published.getFirst().body();
        assertThat(JSON.readTree(body).get("info").get(1).asText()).isEqualTo(evil);
        assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).contains("\\\"quoted\\\"");
        assertThat(stored.getFirst().text()).isEqualTo(evil);
    }

    @Test
    void rateLimitPerUserPerRoom() {
        for (int i = 0; i < 3; i++) {
            usecase.send(msg("m" + i));
        }
        assertThatThrownBy(() -> usecase.send(msg("m3"))).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).isEqualTo(-509);
            assertThat(e.reason()).isEqualTo(LiveErrors.DANMAKU_TOO_FAST);
        });
        assertThat(published).hasSize(3);
        assertThat(stored).hasSize(3);
        // another user in the same room has a budget of their own
        usecase.send(new SendDanmaku(8, "bob", ROOM, "hi", 0, 1, 25, 0));
        assertThat(published).hasSize(4);
    }

    @Test
    void aRoomsQuotaHoldsForAllUsersTogether() {
        roomLimit = 4;
        for (long mid = 10; mid < 14; mid++) {
            usecase.send(new SendDanmaku(mid, "u" + mid, ROOM, "hi", 0, 1, 25, 0));
        }
        assertThatThrownBy(() -> usecase.send(msg("a fifth user"))).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).isEqualTo(-509);
            assertThat(e.reason()).isEqualTo(LiveErrors.DANMAKU_TOO_FAST);
            assertThat(e.getMessage()).contains("room 1000");
        });
        assertThat(published).hasSize(4);
        assertThat(stored).hasSize(4);
    }

    @Test
    void aUserOverTheirOwnBudgetSpendsNothingOfTheRooms() {
        for (int i = 0; i < 5; i++) {
            try {
                usecase.send(msg("m" + i));
            } catch (PlazaError e) {
                assertThat(e.code()).isEqualTo(-509);
            }
        }
        assertThat(published).hasSize(3);
        assertThat(roomTaken).containsEntry(ROOM, 3);
    }

    @Test
    void missingNameIsLookedUp() throws Exception {
        usecase.send(new SendDanmaku(ALICE, "", ROOM, "hi", 0, 1, 25, 0));
        assertThat(JSON.readTree(published.getFirst().body()).get("info").get(2).get(1).asText())
                .isEqualTo("looked-up-7");
    }

    @Test
    void historyOfUnknownRoomIs404() {
        assertThatThrownBy(() -> usecase.recent(404)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-404));
        assertThatThrownBy(() -> usecase.recent(0)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-400));
    }

    @Test
    void storeFailureAfterBroadcastStillAnswers() {
        DanmakuUsecase u = new DanmakuUsecase(LiveConfig.defaults(), SensitiveFilter.none(), r -> true,
                (m, r) -> true, RoomQuota.unlimited(), (room, op, body) -> published.add(new Published(room, op, body)),
                new DanmakuHistoryRepo() {
                    @Override
                    public void append(Danmaku d) {
                        throw new IllegalStateException("redis down");
                    }

                    @Override
                    public List<Danmaku> recent(long roomId) {
                        return List.of();
                    }
                }, UserNames.none(), Clock.systemUTC());
        assertThat(u.send(msg("hi")).text()).isEqualTo("hi");
        assertThat(published).hasSize(1);
    }

    @Test
    void configValidation() {
        Duration fiveSeconds = Duration.ofSeconds(5);
        Duration day = Duration.ofDays(1);
        assertThat(LiveConfig.defaults().maxLength()).isEqualTo(100);
        assertThat(LiveConfig.defaults().historySize()).isEqualTo(10);
        assertThat(LiveConfig.defaults().roomRate()).isEqualTo(100);
        assertThat(LiveConfig.defaults().roomBurst()).isEqualTo(300);
        assertThat(new LiveConfig(100, 3, fiveSeconds, 0, 1, 10, day).roomRate()).as("0 is off").isZero();
        for (ThrowableAssert.ThrowingCallable bad : List.<ThrowableAssert.ThrowingCallable>of(
                () -> new LiveConfig(0, 3, fiveSeconds, 100, 300, 10, day),
                () -> new LiveConfig(100, 0, fiveSeconds, 100, 300, 10, day),
                () -> new LiveConfig(100, 3, Duration.ZERO, 100, 300, 10, day),
                () -> new LiveConfig(100, 3, fiveSeconds, -1, 300, 10, day),
                () -> new LiveConfig(100, 3, fiveSeconds, Double.NaN, 300, 10, day),
                () -> new LiveConfig(100, 3, fiveSeconds, 100, 0, 10, day),
                () -> new LiveConfig(100, 3, fiveSeconds, 100, 300, 0, day),
                () -> new LiveConfig(100, 3, fiveSeconds, 100, 300, 10, Duration.ZERO))) {
            assertThatThrownBy(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
