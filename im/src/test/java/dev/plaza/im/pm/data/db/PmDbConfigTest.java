package dev.plaza.im.pm.data.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PmDbConfigTest {
    private static final DbConfig DB = new DbConfig("jdbc:mariadb://127.0.0.1:3306/pm", "u", "", 4, Duration.ofSeconds(1));

    @Test
    void configurationIsCheckedAtOnce() {
        assertThat(PmDbConfig.defaults(DB).tables()).isEqualTo(16);
        assertThat(PmDbConfig.single(DB, 4).databases()).containsExactly(DB);
        assertThat(new PmDbConfig(List.of(DB, DB), 4).tables()).isEqualTo(4);
        assertThatThrownBy(() -> new PmDbConfig(List.of(DB, DB, DB), 16))
                .hasMessageContaining("im.pm.db.tables (16) must be a multiple of the number of databases (3)");
        assertThatThrownBy(() -> new PmDbConfig(List.of(DB), 0)).hasMessageContaining("im.pm.db.tables");
        assertThatThrownBy(() -> new PmDbConfig(List.of(DB), 5000)).hasMessageContaining("im.pm.db.tables");
        assertThatThrownBy(() -> new PmDbConfig(List.of(), 8)).hasMessageContaining("im.pm.db.databases");
        assertThatThrownBy(() -> new PmDbConfig(null, 8)).hasMessageContaining("im.pm.db.databases");
    }

}
