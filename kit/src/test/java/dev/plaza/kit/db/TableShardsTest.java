package dev.plaza.kit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableShardsTest {
    @Test
    void aKeyMapsToItsTableAndThatTablesDatabase() {
        TableShards s = new TableShards(2, 8);
        assertThat(s.table(13)).isEqualTo(5);
        assertThat(s.database(13)).isEqualTo(1);
        assertThat(s.table(1_000_000_000_010L)).isEqualTo(2);
        assertThat(s.database(1_000_000_000_010L)).isZero();
        assertThat(s.tableName("pm_msg", 13)).isEqualTo("pm_msg_05");
        assertThat(s.tablesIn(0)).containsExactly(0, 2, 4, 6);
        assertThat(s.tablesIn(1)).containsExactly(1, 3, 5, 7);
        assertThat(s.databases()).isEqualTo(2);
        assertThat(s.tables()).isEqualTo(8);
    }

    @Test
    void negativeAndHugeKeysStillLandInATable() {
        TableShards s = new TableShards(1, 16);
        assertThat(s.table(-1)).isEqualTo(15);
        assertThat(s.table(Long.MIN_VALUE)).isBetween(0, 15);
        assertThat(s.table(Long.MAX_VALUE)).isEqualTo((int) (Long.MAX_VALUE % 16));
        assertThat(s.database(Long.MAX_VALUE)).isZero();
    }

    @Test
    void everyTableBelongsToExactlyOneDatabase() {
        TableShards s = new TableShards(3, 12);
        int seen = 0;
        for (int db = 0; db < 3; db++) {
            for (int t : s.tablesIn(db)) {
                assertThat(s.databaseOfTable(t)).isEqualTo(db);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(12);
    }

    @Test
    void namesHaveAtLeastTwoDigits() {
        assertThat(TableShards.name("pm_msg", 7)).isEqualTo("pm_msg_07");
        assertThat(TableShards.name("pm_session", 42)).isEqualTo("pm_session_42");
        assertThat(TableShards.name("history", 123)).isEqualTo("history_123");
        assertThatThrownBy(() -> TableShards.name("pm_msg", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsAreCheckedAtOnce() {
        assertThatThrownBy(() -> new TableShards(3, 32)).hasMessageContaining("multiple of the databases (3)");
        assertThatThrownBy(() -> new TableShards(0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TableShards(1, 0)).isInstanceOf(IllegalArgumentException.class);
        TableShards s = new TableShards(2, 4);
        assertThatThrownBy(() -> s.databaseOfTable(4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.tablesIn(2)).isInstanceOf(IllegalArgumentException.class);
    }
}
