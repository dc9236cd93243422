package dev.plaza.comment.data.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DbTargetTest {
    private static DbConfig cfg(String url) {
        return new DbConfig(url, "root", "", 2, Duration.ofSeconds(1));
    }

    @Test
    void readsHostPortAndDatabase() {
        DbTarget t = DbTarget.of(cfg("jdbc:mariadb://db.example.com:3307/plaza_comment?useSsl=false"));
        assertThat(t).isEqualTo(new DbTarget("db.example.com", 3307, "plaza_comment", "root", ""));
        assertThat(t.server()).isEqualTo("db.example.com:3307");
        assertThat(DbTarget.of(cfg("jdbc:mysql://10.0.0.1/c1")).port()).isEqualTo(3306);
        assertThat(DbTarget.of(cfg("jdbc:mariadb://a:1,b:2/c1")).host()).isEqualTo("a");
    }

    @Test
    void needsADatabase() {
        assertThatThrownBy(() -> DbTarget.of(cfg("jdbc:mariadb://127.0.0.1:3306/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DbTarget.of(cfg("jdbc:mariadb://127.0.0.1:3306")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
