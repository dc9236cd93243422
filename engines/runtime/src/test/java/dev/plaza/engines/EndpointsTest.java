package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointsTest {
    private final Endpoints all = new Endpoints("127.0.0.1", 3307, "root", "", "127.0.0.1", 6380,
            "127.0.0.1:9093", "127.0.0.1:2182", "http://127.0.0.1:9201");

    @Test
    void buildsUrls() {
        assertThat(all.jdbcUrl("comment")).isEqualTo("jdbc:mariadb://127.0.0.1:3307/comment");
        assertThat(all.jdbcUrl("")).isEqualTo("jdbc:mariadb://127.0.0.1:3307/");
        assertThat(all.redisUri()).isEqualTo("redis://127.0.0.1:6380");
    }

    @Test
    void enginesNotStartedAreNullAndTheirUrlsFailClearly() {
        Endpoints none = new Endpoints(null, 0, null, null, null, 0, null, null, null);
        assertThatThrownBy(() -> none.jdbcUrl("x")).hasMessageContaining("MARIADB was not started");
        assertThatThrownBy(none::redisUri).hasMessageContaining("REDIS was not started");
    }

    @Test
    void databaseNamesMustBePlain() {
        assertThatThrownBy(() -> all.createDatabase("x`; DROP DATABASE mysql; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
