package dev.plaza.history.data.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRouterTest {
    private static final DbConfig DB = new DbConfig("jdbc:mariadb://127.0.0.1:3306/h", "u", "", 4, Duration.ofSeconds(1));

    @Test
    void aMidMapsToItsTableAndThatTablesDatabase() {
        HistoryRouter r = new HistoryRouter(new HistoryDbConfig(List.of(DB, DB), 8));
        assertThat(r.table(13)).isEqualTo(5);
        assertThat(r.tableName(13)).isEqualTo("history_05");
        assertThat(r.database(13)).isEqualTo(1);
        assertThat(r.tableName(1_000_000_000_010L)).isEqualTo("history_02");
        assertThat(r.tablesIn(0)).containsExactly(0, 2, 4, 6);
        assertThat(r.tablesIn(1)).containsExactly(1, 3, 5, 7);
        assertThat(HistoryRouter.name(123)).isEqualTo("history_123");
    }

    @Test
    void configurationIsCheckedAtOnce() {
        assertThat(HistoryDbConfig.defaults(DB).tables()).isEqualTo(32);
        assertThatThrownBy(() -> new HistoryDbConfig(List.of(DB, DB, DB), 32))
                .hasMessageContaining("history.db.tables (32) must be a multiple of the number of databases (3)");
        assertThatThrownBy(() -> new HistoryDbConfig(List.of(DB), 0)).hasMessageContaining("history.db.tables");
        assertThatThrownBy(() -> new HistoryDbConfig(List.of(), 8)).hasMessageContaining("history.db.databases");
    }

    @Test
    void platformsAreTrimmedToTheColumn() {
        assertThat(HistoryRows.platform(null)).isEmpty();
        assertThat(HistoryRows.platform("web  ")).isEqualTo("web");
        assertThat(HistoryRows.platform("x".repeat(40))).hasSize(32);
        assertThat(HistoryRows.platform("x".repeat(31) + "😀")).hasSize(31);
    }
}
