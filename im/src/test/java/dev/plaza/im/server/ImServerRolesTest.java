package dev.plaza.im.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.im.comet.CometConfig;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.job.StaticCometDirectory;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.logic.server.LogicConfig;
import dev.plaza.im.pm.biz.PmConfig;
import dev.plaza.im.pm.data.db.PmDbConfig;
import dev.plaza.im.pm.job.PmJob;
import dev.plaza.im.pm.server.PmSettings;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.ServiceChannels;
import dev.plaza.kit.text.SensitiveFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A comet process builds the comet alone: no Redis, no Kafka producer, no private-message database. */
class ImServerRolesTest {
    @Test
    void aCometOnlyProcessTouchesNeitherRedisNorKafkaNorTheDatabase() {
        // private messages on, with a database nobody listens at: opening its pool would fail
        DbConfig nowhere = new DbConfig("jdbc:mariadb://127.0.0.1:1/nothing", "nobody", "", 2, Duration.ofSeconds(1));
        String topic = "im-pm";
        PmSettings pm = new PmSettings(true, new PmConfig(500, Duration.ofMinutes(2), 100_000,
                Duration.ofSeconds(10), 200), 3, topic, new PmDbConfig(List.of(nowhere), 4), true,
                new PmJob.Settings(topic, "pm", 4, 4, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        ImConfig cfg = new ImConfig(true, "comet-1", CometConfig.defaults().withPorts(0, CometConfig.OFF),
                LogicConfig.defaults(), true, ImJob.Settings.defaults(), LiveConfig.defaults(), pm);
        RpcClient channel = RpcChannels.builder("roles-test").build().inProcess("nowhere");
        try (ImServer im = ImServer.create(new ImServer.Roles(false, true, false), cfg, null, null, "127.0.0.1:1",
                ServiceChannels.single(channel), StaticCometDirectory.of(cfg.server(), channel),
                new SensitiveFilter(List.of(), SensitiveFilter.Mode.REJECT), new SimpleMeterRegistry(),
                OpenTelemetry.noop(), Clock.systemUTC())) {
            assertThat(im.comet()).isNotNull();
            assertThat(im.logic()).isNull();
            assertThat(im.pm()).isNull();
            assertThat(im.isHealthy()).isTrue();
            assertThatThrownBy(im::startLogic).isInstanceOf(IllegalStateException.class).hasMessageContaining("logic");
            assertThatThrownBy(im::httpRoutes).isInstanceOf(IllegalStateException.class);
            im.startComet();
            assertThat(im.comet().tcpPort()).isPositive();
        } finally {
            channel.close();
        }
    }
}
