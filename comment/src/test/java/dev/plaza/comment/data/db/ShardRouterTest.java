package dev.plaza.comment.data.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardRouterTest {
    private static final DbConfig DB = new DbConfig("jdbc:mariadb://127.0.0.1:3306/c", "root", "", 4,
            Duration.ofSeconds(1));

    @Test
    void tablesAreOidModuloCountWithTwoDigitNames() {
        ShardRouter r = new ShardRouter(CommentDbConfig.defaults(DB));
        assertThat(r.subjectTable(1234)).isEqualTo("subject_34");
        assertThat(r.indexTable(1234)).isEqualTo("reply_index_34");
        assertThat(r.indexTable(1299)).isEqualTo("reply_index_99");
        assertThat(r.indexTable(1399)).isEqualTo("reply_index_199");
        assertThat(r.contentTable(7)).isEqualTo("reply_content_07");
        assertThat(r.actionTable(200)).isEqualTo("reply_action_00");
        assertThat(r.database(1399)).isZero();
    }

    @Test
    void oneSubjectsTablesShareADatabase() {
        ShardRouter r = new ShardRouter(new CommentDbConfig(List.of(DB, DB, DB, DB, DB), 50, 200, 100, 200));
        for (long oid = 1; oid < 5_000; oid += 7) {
            int db = (int) (oid % 5);
            assertThat(r.database(oid)).isEqualTo(db);
            int index = Integer.parseInt(r.indexTable(oid).substring("reply_index_".length()));
            int content = Integer.parseInt(r.contentTable(oid).substring("reply_content_".length()));
            assertThat(index % 5).isEqualTo(db);
            assertThat(content % 5).isEqualTo(db);
        }
        assertThat(r.tablesIn(2, 50)).hasSize(10).startsWith(2, 7, 12).endsWith(47);
    }

    @Test
    void countsMustBeMultiplesOfTheDatabases() {
        assertThatThrownBy(() -> new CommentDbConfig(List.of(DB, DB, DB), 50, 201, 201, 201))
                .hasMessageContaining("multiple");
        assertThatThrownBy(() -> new CommentDbConfig(List.of(), 50, 200, 200, 200)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> CommentDbConfig.single(DB, 0, 1, 1, 1)).hasMessageContaining("subjectTables");
    }
}
