package dev.plaza.kit.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DbConfigTest {
    private static final DbConfig DB = new DbConfig("jdbc:mariadb://127.0.0.1:3306/h", "u", "", 4,
            Duration.ofSeconds(1));

    @Test
    void theDriverIsAskedForAffectedRowsUnlessTheUrlSaysOtherwise() {
        assertThat(DB.withAffectedRows().jdbcUrl()).endsWith("/h?useAffectedRows=true");
        DbConfig withQuery = new DbConfig(DB.jdbcUrl() + "?a=b", "u", "", 4, Duration.ofSeconds(1));
        assertThat(withQuery.withAffectedRows().jdbcUrl()).endsWith("?a=b&useAffectedRows=true");
        DbConfig explicit = new DbConfig(DB.jdbcUrl() + "?useAffectedRows=false", "u", "", 4, Duration.ofSeconds(1));
        assertThat(explicit.withAffectedRows()).isSameAs(explicit);
    }
}
