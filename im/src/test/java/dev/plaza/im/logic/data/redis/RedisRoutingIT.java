package dev.plaza.im.logic.data.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.im.logic.biz.Connection;
import dev.plaza.im.logic.biz.ConnectionUsecase;
import dev.plaza.im.logic.biz.Route;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The routing table and the online counts on a real Redis, through the connection use case and directly. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisRoutingIT {
    private static final int REDIS_DB = 5;
    private static final Duration ROUTE_TTL = Duration.ofMinutes(30);
    private Redis redis;
    private RedisCommands<String, String> cmd;
    private RedisRouteRepo routes;
    private RedisOnlineRepo online;
    private ConnectionUsecase usecase;

    @BeforeAll
    void connect(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        cmd = redis.sync();
        routes = new RedisRouteRepo(redis);
        online = new RedisOnlineRepo(redis, Clock.systemUTC());
        // tokens "t<mid>" are that user; the account service is not what this test is about
        usecase = new ConnectionUsecase(t -> t.matches("t[0-9]+") ? OptionalLong.of(Long.parseLong(t.substring(1)))
                : OptionalLong.empty(), routes, online, new ConnectionUsecase.Settings(true, Duration.ofSeconds(30),
                ROUTE_TTL, Duration.ofSeconds(90), Duration.ZERO), Clock.systemUTC());
    }

    @BeforeEach
    void flush() {
        cmd.flushdb();
    }

    @AfterAll
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void connectRegistersBothEntriesWithTheRouteTtl() {
        Connection c = usecase.connect("comet-1", "t42", 42, "live://1");

        assertThat(cmd.get("im:key:" + c.key())).isEqualTo("comet-1");
        assertThat(cmd.hgetall("im:mid:42")).isEqualTo(Map.of(c.key(), "comet-1"));
        assertThat(cmd.ttl("im:key:" + c.key())).isBetween(ROUTE_TTL.toSeconds() - 5, ROUTE_TTL.toSeconds());
        assertThat(cmd.ttl("im:mid:42")).isBetween(ROUTE_TTL.toSeconds() - 5, ROUTE_TTL.toSeconds());
    }

    @Test
    void anAnonymousConnectionHasOnlyAKeyRoute() {
        Connection c = usecase.connect("comet-1", "", 0, "live://1");
        assertThat(c.mid()).isZero();
        assertThat(cmd.get("im:key:" + c.key())).isEqualTo("comet-1");
        assertThat(cmd.exists("im:mid:0")).isZero();
    }

    @Test
    void heartbeatRenewsTheExpiryAndReAddsAnExpiredRoute() {
        Connection c = usecase.connect("comet-1", "t42", 42, "");
        String keyKey = "im:key:" + c.key();
        cmd.expire(keyKey, 5);
        cmd.expire("im:mid:42", 5);

        assertThat(usecase.heartbeat(42, c.key(), "comet-1")).isTrue();
        assertThat(cmd.ttl(keyKey)).isGreaterThan(ROUTE_TTL.toSeconds() - 5);
        assertThat(cmd.ttl("im:mid:42")).isGreaterThan(ROUTE_TTL.toSeconds() - 5);

        cmd.del(keyKey, "im:mid:42"); // as if both expired during a long pause of the comet
        assertThat(usecase.heartbeat(42, c.key(), "comet-1")).isFalse();
        assertThat(cmd.get(keyKey)).isEqualTo("comet-1");
        assertThat(cmd.hget("im:mid:42", c.key())).isEqualTo("comet-1");
        assertThat(cmd.ttl("im:mid:42")).isGreaterThan(ROUTE_TTL.toSeconds() - 5);
    }

    @Test
    void disconnectRemovesOnlyThatConnection() {
        Connection a = usecase.connect("comet-1", "t42", 42, "");
        Connection b = usecase.connect("comet-2", "t42", 42, "");

        assertThat(usecase.disconnect(42, a.key(), "comet-1")).isTrue();
        assertThat(cmd.exists("im:key:" + a.key())).isZero();
        assertThat(cmd.hgetall("im:mid:42")).isEqualTo(Map.of(b.key(), "comet-2"));
        assertThat(usecase.disconnect(42, a.key(), "comet-1")).as("already gone").isFalse();
    }

    @Test
    void aCometCannotRemoveARouteThatPointsElsewhere() {
        Connection a = usecase.connect("comet-1", "t42", 42, "");
        assertThat(routes.remove(new Route(0, a.key(), "comet-9"))).isFalse();
        assertThat(cmd.get("im:key:" + a.key())).isEqualTo("comet-1");
    }

    @Test
    void lookupsFindServersOfKeysAndKeysOfMids() {
        Connection a = usecase.connect("comet-1", "t1", 1, "");
        Connection b = usecase.connect("comet-2", "t1", 1, "");
        Connection c = usecase.connect("comet-1", "t2", 2, "");
        Connection anon = usecase.connect("comet-3", "", 0, "");

        assertThat(routes.serversOfKeys(List.of(a.key(), anon.key(), "missing")))
                .isEqualTo(Map.of(a.key(), "comet-1", anon.key(), "comet-3"));
        assertThat(routes.keysOfMids(List.of(1L, 2L, 3L)))
                .isEqualTo(Map.of(a.key(), "comet-1", b.key(), "comet-2", c.key(), "comet-1"));
        assertThat(routes.keysOfMids(List.of(99L))).isEmpty();
    }

    @Test
    void onlineCountsAreSummedOverTwoCometsAndReplacedOnRenewal() {
        assertThat(usecase.renewOnline("comet-1", Map.of("live://1", 10, "live://2", 3))).isEqualTo(
                Map.of("live://1", 10, "live://2", 3));
        assertThat(usecase.renewOnline("comet-2", Map.of("live://1", 5, "live://3", 1))).isEqualTo(
                Map.of("live://1", 15, "live://2", 3, "live://3", 1));
        assertThat(cmd.ttl("im:ol:comet-1")).isBetween(85L, 90L);

        // comet-1's room 2 emptied: its new report replaces the old one whole
        assertThat(usecase.renewOnline("comet-1", Map.of("live://1", 4))).isEqualTo(
                Map.of("live://1", 9, "live://3", 1));
        assertThat(cmd.hgetall("im:ol:comet-1")).isEqualTo(Map.of("live://1", "4"));
    }

    @Test
    void aCometThatStopsRenewingDropsOutOfTheSum() {
        online.put("comet-1", Map.of("live://1", 10), Duration.ofSeconds(1));
        online.put("comet-2", Map.of("live://1", 5), Duration.ofMinutes(1));
        assertThat(online.all()).containsOnlyKeys("comet-1", "comet-2");

        RedisOnlineRepo later = new RedisOnlineRepo(redis, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2)));
        assertThat(later.all()).isEqualTo(Map.of("comet-2", Map.of("live://1", 5)));
        assertThat(cmd.zrange("im:online:servers", 0, -1)).as("the dead comet is pruned").containsExactly("comet-2");
    }
}
