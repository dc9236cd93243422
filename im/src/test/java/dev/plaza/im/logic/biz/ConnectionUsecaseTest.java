package dev.plaza.im.logic.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.testing.MutableClock;
import dev.plaza.kit.errors.PlazaError;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionUsecaseTest {
    private final Fakes.Tokens tokens = new Fakes.Tokens();
    private final Fakes.Routes routes = new Fakes.Routes();
    private final Fakes.Online online = new Fakes.Online();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ConnectionUsecase.Settings defaults = ConnectionUsecase.Settings.defaults();

    private ConnectionUsecase usecase(boolean anonymous) {
        return new ConnectionUsecase(tokens, routes, online, new ConnectionUsecase.Settings(anonymous,
                Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(90), Duration.ofSeconds(5)), clock);
    }

    private static PlazaError error(Runnable r) {
        try {
            r.run();
        } catch (PlazaError e) {
            return e;
        }
        throw new AssertionError("expected a PlazaError");
    }

    @Test
    void aTokenConnectsAsItsUserUnderAFreshKeyAndRegistersTheRoute() {
        ConnectionUsecase u = usecase(true);
        Connection a = u.connect("comet-1", "t42", 42, "live://1000");
        Connection b = u.connect("comet-2", "t42", 0, "");

        assertThat(a.mid()).isEqualTo(42);
        assertThat(a.room()).isEqualTo("live://1000");
        assertThat(a.heartbeatSeconds()).isEqualTo(30);
        assertThat(b.room()).isEmpty();
        assertThat(a.key()).isNotBlank().isNotEqualTo(b.key());
        assertThat(routes.keyToServer).containsEntry(a.key(), "comet-1").containsEntry(b.key(), "comet-2");
        assertThat(routes.midToKeys.get(42L)).containsOnlyKeys(a.key(), b.key());
        assertThat(routes.lastTtl).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void anAnonymousViewerConnectsAsMidZeroWhenAllowed() {
        Connection c = usecase(true).connect("comet-1", "", 0, "live://7");
        assertThat(c.mid()).isZero();
        assertThat(routes.keyToServer).containsEntry(c.key(), "comet-1");
        assertThat(routes.midToKeys).isEmpty();
        assertThat(tokens.calls).hasValue(0);
    }

    @Test
    void anonymousConnectionsAreRefusedWhenNotAllowed() {
        PlazaError e = error(() -> usecase(false).connect("comet-1", "", 0, "live://7"));
        assertThat(e.code()).isEqualTo(-101);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void aClaimedMidWithoutATokenIsRefused() {
        PlazaError e = error(() -> usecase(true).connect("comet-1", "", 42, ""));
        assertThat(e.code()).isEqualTo(-101);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void anInvalidTokenIsRefusedAndRoutesNothing() {
        PlazaError e = error(() -> usecase(true).connect("comet-1", "bogus", 0, ""));
        assertThat(e.code()).isEqualTo(-101);
        assertThat(e.reason()).isEqualTo(ImErrors.TOKEN_INVALID);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void aClaimedMidThatIsNotTheTokensUserIsRefused() {
        PlazaError e = error(() -> usecase(true).connect("comet-1", "t42", 43, ""));
        assertThat(e.code()).isEqualTo(-101);
        assertThat(e.reason()).isEqualTo(ImErrors.MID_MISMATCH);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void anUnavailableAccountServiceIsNotMistakenForABadToken() {
        tokens.failure = PlazaError.overloaded("UNAVAILABLE", "account is down");
        PlazaError e = error(() -> usecase(true).connect("comet-1", "t42", 42, ""));
        assertThat(e.code()).isEqualTo(-503);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void badServerOrRoomIsRefusedBeforeTheTokenIsResolved() {
        ConnectionUsecase u = usecase(true);
        assertThat(error(() -> u.connect("", "t1", 1, "")).code()).isEqualTo(-400);
        assertThat(error(() -> u.connect("x".repeat(65), "t1", 1, "")).code()).isEqualTo(-400);
        assertThat(error(() -> u.connect("comet-1", "t1", 1, "live1000")).code()).isEqualTo(-400);
        assertThat(error(() -> u.connect("comet-1", "t1", 1, "live://")).code()).isEqualTo(-400);
        assertThat(error(() -> u.connect("comet-1", "t1", -1, "")).code()).isEqualTo(-400);
        assertThat(tokens.calls).hasValue(0);
        assertThat(routes.keyToServer).isEmpty();
    }

    @Test
    void heartbeatRenewsAndReAddsAnExpiredRouteAndDisconnectRemovesIt() {
        ConnectionUsecase u = usecase(true);
        Connection c = u.connect("comet-1", "t42", 42, "");
        routes.lastTtl = null;

        assertThat(u.heartbeat(42, c.key(), "comet-1")).isTrue();
        assertThat(routes.lastTtl).isEqualTo(Duration.ofMinutes(30));

        routes.keyToServer.clear(); // expired meanwhile
        assertThat(u.heartbeat(42, c.key(), "comet-1")).isFalse();
        assertThat(routes.keyToServer).containsEntry(c.key(), "comet-1");

        assertThat(u.disconnect(42, c.key(), "comet-1")).isTrue();
        assertThat(routes.keyToServer).doesNotContainKey(c.key());
        assertThat(routes.midToKeys.get(42L)).isEmpty();
        assertThat(u.disconnect(42, c.key(), "comet-1")).isFalse();
        assertThat(error(() -> u.heartbeat(42, "", "comet-1")).code()).isEqualTo(-400);
        assertThat(error(() -> u.disconnect(42, c.key(), " ")).code()).isEqualTo(-400);
    }

    @Test
    void renewOnlineAnswersTheSumOverAllCometsAndCachesIt() {
        ConnectionUsecase u = usecase(true);
        assertThat(u.renewOnline("comet-1", Map.of("live://1", 3, "live://2", 1, "live://3", 0)))
                .isEqualTo(Map.of("live://1", 3, "live://2", 1));
        assertThat(online.byServer.get("comet-1")).as("empty rooms are not stored").doesNotContainKey("live://3");
        assertThat(online.lastTtl).isEqualTo(defaults.onlineTtl());

        // within the cache ttl the previous sum is answered without reading every comet again
        assertThat(u.renewOnline("comet-2", Map.of("live://1", 5))).isEqualTo(Map.of("live://1", 3, "live://2", 1));
        assertThat(online.reads).hasValue(1);

        clock.advance(Duration.ofSeconds(5));
        assertThat(u.renewOnline("comet-2", Map.of("live://1", 5))).isEqualTo(Map.of("live://1", 8, "live://2", 1));
        assertThat(online.reads).hasValue(2);
    }

    @Test
    void negativeCountsAreRefusedAndNothingIsStored() {
        ConnectionUsecase u = usecase(true);
        Map<String, Integer> bad = new HashMap<>();
        bad.put("live://1", -1);
        assertThat(error(() -> u.renewOnline("comet-1", bad)).code()).isEqualTo(-400);
        assertThat(error(() -> u.renewOnline("", Map.of())).code()).isEqualTo(-400);
        assertThat(online.byServer).isEmpty();
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new ConnectionUsecase.Settings(true, Duration.ZERO, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionUsecase.Settings(true, Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
