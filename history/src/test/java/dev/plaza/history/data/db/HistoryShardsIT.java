package dev.plaza.history.data.db;

import static dev.plaza.history.data.db.HistoryDbFixture.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.kit.db.DbConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Opening the tables: layout checks, reopening, two databases, sharing a database with another system's Flyway. */
@RequiresEngines(EngineKind.MARIADB)
class HistoryShardsIT {
    private static final long AT = 1_700_000_000_000L;

    @Test
    void reopeningWithOtherCountsFailsWithAClearMessage(Endpoints endpoints) throws Exception {
        HistoryDbFixture.fresh(endpoints, 8, "history_shards_it_layout").close();
        DbConfig db = HistoryDbFixture.db(endpoints, "history_shards_it_layout");

        assertThatThrownBy(() -> HistoryShards.open(HistoryDbConfig.single(db, 16), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tables=8")
                .hasMessageContaining("tables=16")
                .hasMessageContaining("history.db")
                .hasMessageContaining("resharding is not supported");

        endpoints.dropDatabase("history_shards_it_other");
        DbConfig other = HistoryDbFixture.db(endpoints, "history_shards_it_other");
        assertThatThrownBy(() -> HistoryShards.open(new HistoryDbConfig(List.of(db, other), 8),
                new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("databases=1")
                .hasMessageContaining("databases=2");

        // the right counts still open
        HistoryShards.open(HistoryDbConfig.single(db, 8), new SimpleMeterRegistry()).close();
    }

    @Test
    void recordsSurviveCloseAndReopen(Endpoints endpoints) throws Exception {
        List<HistoryRecord> batch = List.of(rec(11, 1, 30, "web", AT + 1), rec(12, 2, 40, "ios", AT + 2),
                rec(11, 3, -1, "android", AT + 3));
        try (HistoryDbFixture first = HistoryDbFixture.fresh(endpoints, 4, "history_shards_it_reopen")) {
            assertThat(first.store.upsert(batch)).isEqualTo(3);
        }
        try (HistoryDbFixture again = HistoryDbFixture.open(endpoints, 4, "history_shards_it_reopen")) {
            assertThat(again.store.list(11, 0, null, 10)).containsExactly(batch.get(2), batch.get(0));
            assertThat(again.store.list(12, 0, null, 10)).containsExactly(batch.get(1));
            assertThat(again.store.upsert(batch)).as("already there").isZero();
        }
    }

    @Test
    void twoDatabasesHoldEveryOtherTable(Endpoints endpoints) throws Exception {
        try (HistoryDbFixture db = HistoryDbFixture.fresh(endpoints, 4, "history_shards_it_a",
                "history_shards_it_b")) {
            List<HistoryRecord> batch = new ArrayList<>();
            for (long mid = 1; mid <= 40; mid++) {
                batch.add(rec(mid, 7, mid, "web", AT + mid));
            }
            assertThat(db.store.upsert(batch)).isEqualTo(40);

            // database a (0) has tables 0 and 2, database b (1) has tables 1 and 3
            assertThat(tables(db, 0)).containsExactly("history_00", "history_02");
            assertThat(tables(db, 1)).containsExactly("history_01", "history_03");
            for (int t = 0; t < 4; t++) {
                List<Map<String, Object>> rows = db.rows(t, "1 = 1");
                assertThat(rows).hasSize(10);
                for (Map<String, Object> row : rows) {
                    assertThat((Long) row.get("mid") % 4).isEqualTo(t);
                }
            }
            for (HistoryRecord r : batch) {
                assertThat(db.store.list(r.mid(), 0, null, 10)).containsExactly(r);
            }
            assertThat(db.store.purgeBefore(AT + 21, 100)).as("both databases purged").isEqualTo(20);
            assertThat(db.countAll("1 = 1")).isEqualTo(20);
            db.store.clear(40);
            assertThat(db.store.list(40, 0, null, 10)).isEmpty();
        }
    }

    @Test
    void sharesADatabaseWithAnotherSystemsMigrations(Endpoints endpoints) throws Exception {
        endpoints.dropDatabase("history_shards_it_shared");
        endpoints.createDatabase("history_shards_it_shared");
        DbConfig cfg = HistoryDbFixture.db(endpoints, "history_shards_it_shared");
        try (dev.plaza.kit.db.Database other = dev.plaza.kit.db.Database.open(cfg, "other", null)) {
            other.withConnection(c -> c.createStatement().executeUpdate("CREATE TABLE someone_elses (id INT)"));
        }
        try (HistoryShards shards = HistoryShards.open(HistoryDbConfig.single(cfg, 2), new SimpleMeterRegistry())) {
            List<String> names = shards.withConnection(0, c -> {
                List<String> out = new ArrayList<>();
                try (var rs = c.createStatement().executeQuery("SHOW TABLES")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            });
            assertThat(names).contains(HistoryShards.HISTORY_TABLE, "history_shards", "history_00", "history_01",
                    "someone_elses");
            assertThat(new ShardedHistoryStore(shards).upsert(List.of(rec(5, 1, 1, "web", AT)))).isEqualTo(1);
        }
    }

    private static List<String> tables(HistoryDbFixture db, int database) {
        return db.shards.withConnection(database, c -> {
            List<String> out = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SHOW TABLES LIKE 'history\\_%'")) {
                while (rs.next()) {
                    if (rs.getString(1).matches("history_\\d+")) {
                        out.add(rs.getString(1));
                    }
                }
            }
            out.sort(null);
            return out;
        });
    }
}
