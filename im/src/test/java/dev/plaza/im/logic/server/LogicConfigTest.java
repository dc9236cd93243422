package dev.plaza.im.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.im.job.ImJob;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogicConfigTest {
    @Test
    void defaultsServeGoimsPushApiOnLoopbackAndAgreeWithTheJobOnTheTopic() {
        LogicConfig d = LogicConfig.defaults();
        assertThat(d.httpHost()).isEqualTo("127.0.0.1");
        assertThat(d.httpPort()).isEqualTo(3111);
        assertThat(d.pushTopic()).isEqualTo("im-push").isEqualTo(ImJob.Settings.defaults().topic());
        assertThat(d.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(d.maxTargets()).isEqualTo(1000);
        assertThat(d.routeTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.connectionSettings().anonymous()).isTrue();
        assertThat(d.withHttpPort(0).httpPort()).isZero();
        assertThat(d.withPushTopic("t").pushTopic()).isEqualTo("t");
    }

    @Test
    void nonsenseIsRefusedAtStartup() {
        LogicConfig d = LogicConfig.defaults();
        assertThatThrownBy(() -> new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(),
                d.onlineCacheTtl(), " ", 8, d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), true,
                "127.0.0.1", 3111)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(),
                d.onlineCacheTtl(), "im-push", 8, 0, d.maxTargets(), d.accountTimeout(), true,
                "127.0.0.1", 3111)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogicConfig(true, Duration.ZERO, d.routeTtl(), d.onlineTtl(),
                d.onlineCacheTtl(), "im-push", 8, d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), true,
                "127.0.0.1", 3111)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogicConfig(true, d.heartbeat(), d.routeTtl(), d.onlineTtl(),
                d.onlineCacheTtl(), "im-push", 8, d.maxBodyBytes(), d.maxTargets(), d.accountTimeout(), true,
                "127.0.0.1", 70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImJob.Settings.defaults().withRoomBatching(Duration.ofMillis(-1), 32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImJob.Settings.defaults().withCalls(Duration.ofSeconds(1), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
