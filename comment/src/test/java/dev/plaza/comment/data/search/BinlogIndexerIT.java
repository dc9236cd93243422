package dev.plaza.comment.data.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.comment.admin.CommentDoc;
import dev.plaza.comment.admin.CommentSearchPage;
import dev.plaza.comment.admin.CommentSearchQuery;
import dev.plaza.comment.admin.IndexRebuilder;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.search.SearchFixtures.Row;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Binlog -> Debezium -> OpenSearch on the real engines: rows written straight into MariaDB (two databases, sharded
 * tables from the write path's migration) become searchable within seconds, edits replace the old text, a restart
 * resumes from the kept binlog position, and a reindex rebuilds everything from the tables.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.OPENSEARCH})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinlogIndexerIT {
    private static final String ALIAS = "it-binlog-comments";
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00.123Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CommentDbConfig cfg;
    private CommentShards shards;
    private CommentIndex index;
    private BinlogIndexer indexer;
    private Path offsets;
    private int rows;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        cfg = SearchFixtures.freshDatabases(endpoints, "it_search_binlog", 2);
        shards = CommentShards.open(cfg, meters);
        index = CommentIndex.connect(new CommentIndex.Settings(endpoints.opensearchUrl(), ALIAS, 1, 0,
                Duration.ofSeconds(30)));
        index.wipe();
        offsets = Files.createTempDirectory("plaza-binlog-it");
        // already in the tables before the indexer ever ran: the first start snapshots them
        insert(Row.of(1001, 10, 501, "first comment before the indexer", T0));
        insert(Row.of(1002, 11, 502, "second comment before the indexer", T0.plusSeconds(1)));
        insert(Row.of(1003, 10, 501, "a reply before the indexer", T0.plusSeconds(2)).withRoot(1001));
        indexer = newIndexer();
        indexer.start();
    }

    @AfterAll
    void stop() {
        if (indexer != null) {
            indexer.close();
        }
        if (index != null) {
            index.wipe();
            index.close();
        }
        if (shards != null) {
            shards.close();
        }
        if (offsets != null) {
            try (var files = Files.walk(offsets)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // a temp folder; leave it
            }
        }
    }

    private BinlogIndexer newIndexer() {
        return new BinlogIndexer(new BinlogIndexer.Settings(cfg.databases(), offsets, 0, true,
                Duration.ofMillis(100)), index, meters);
    }

    private void insert(Row r) {
        SearchFixtures.insert(shards, r);
        rows++;
    }

    private CommentSearchPage search(String keyword, Long oid, Integer state) {
        return index.search(new CommentSearchQuery(keyword, null, oid, null, state, null, null, 1, 50, false));
    }

    private static List<Long> rpids(CommentSearchPage p) {
        return p.items().stream().map(CommentDoc::rpid).toList();
    }

    @Test
    @Order(1)
    void rowsThatExistedBeforeTheFirstStartAreSnapshotted() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(rpids(search(null, 10L, null))).containsExactly(1003L, 1001L));
        CommentDoc reply = search("reply before", null, null).items().get(0);
        assertThat(reply.rpid()).isEqualTo(1003);
        assertThat(reply.oid()).isEqualTo(10);
        assertThat(reply.type()).isEqualTo(1);
        assertThat(reply.mid()).isEqualTo(501);
        assertThat(reply.root()).isEqualTo(1001);
        assertThat(reply.parent()).isEqualTo(1001);
        assertThat(reply.state()).isEqualTo(ReplyState.NORMAL);
        assertThat(reply.message()).isEqualTo("a reply before the indexer");
        assertThat(reply.ctime()).isEqualTo(T0.plusSeconds(2));
        assertThat(search(null, 11L, null).total()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aNewCommentInEitherDatabaseIsSearchableWithinSeconds() {
        await().atMost(Duration.ofSeconds(30)).until(indexer::isRunning);
        long t = System.nanoTime();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        insert(Row.of(2001, 20, 601, "弹幕护体 new comment in database zero", now));
        insert(Row.of(2002, 21, 602, "another new comment in database one", now));
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(rpids(search("弹幕护体", null, null))).containsExactly(2001L);
            assertThat(rpids(search("database one", null, null))).containsExactly(2002L);
        });
        System.out.printf("insert -> searchable in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        assertThat(search("弹幕护体", null, null).items().get(0).ctime()).isEqualTo(now);
    }

    @Test
    @Order(3)
    void anEditMadeDirectlyInMariaDbReplacesTheOldText() {
        insert(Row.of(3001, 30, 701, "original wording about cats", T0));
        await().atMost(WITHIN).until(() -> search("wording about cats", null, null).total() == 1);

        long t = System.nanoTime();
        int changed = SearchFixtures.exec(shards, 30, true, "UPDATE %s SET message = ? WHERE rpid = ?",
                "edited wording about dogs", 3001L);
        assertThat(changed).isEqualTo(1);
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(rpids(search("about dogs", null, null))).containsExactly(3001L);
            assertThat(search("about cats", null, null).total()).isZero();
        });
        System.out.printf("edit -> searchable in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        // the index row's fields survived the content-only change
        CommentDoc d = search("about dogs", null, null).items().get(0);
        assertThat(d.oid()).isEqualTo(30);
        assertThat(d.mid()).isEqualTo(701);
    }

    @Test
    @Order(4)
    void stateAndCounterChangesAndPhysicalDeletesFollow() {
        insert(Row.of(4001, 40, 801, "to be hidden", T0));
        insert(Row.of(4002, 40, 801, "to be purged", T0.plusSeconds(1)));
        await().atMost(WITHIN).until(() -> search(null, 40L, null).total() == 2);

        SearchFixtures.exec(shards, 40, false, "UPDATE %s SET state = ?, `like` = ? WHERE rpid = ?",
                ReplyState.HIDDEN, 7, 4001L);
        SearchFixtures.exec(shards, 40, false, "DELETE FROM %s WHERE rpid = ?", 4002L);
        rows--;
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(rpids(search(null, 40L, ReplyState.HIDDEN))).containsExactly(4001L);
            assertThat(rpids(search(null, 40L, ReplyState.DELETED))).containsExactly(4002L);
        });
        assertThat(search(null, 40L, ReplyState.HIDDEN).items().get(0).like()).isEqualTo(7);
        assertThat(search(null, 40L, ReplyState.NORMAL).total()).isZero();
    }

    @Test
    @Order(5)
    void oneStatementChangingManyRowsChangesEveryDocument() {
        for (int i = 0; i < 5; i++) {
            insert(Row.of(6001 + i, 60, 950, "bulk moderated number " + i, T0.plusSeconds(i)));
        }
        await().atMost(WITHIN).until(() -> search(null, 60L, ReplyState.NORMAL).total() == 5);
        // one UPDATE, one row event with five rows
        assertThat(SearchFixtures.exec(shards, 60, false, "UPDATE %s SET state = ? WHERE oid = ?",
                ReplyState.HIDDEN, 60L)).isEqualTo(5);
        assertThat(SearchFixtures.exec(shards, 60, true,
                "UPDATE %s SET message = CONCAT('swept: ', message) WHERE oid = ?", 60L)).isEqualTo(5);
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(search(null, 60L, ReplyState.HIDDEN).total()).isEqualTo(5);
            assertThat(search("swept", 60L, null).total()).isEqualTo(5);
        });
    }

    @Test
    @Order(6)
    void aRestartResumesFromTheKeptPositionWithoutReadingEverythingAgain() {
        insert(Row.of(5001, 50, 901, "written before the restart", T0));
        await().atMost(WITHIN).until(() -> search("before the restart", null, null).total() == 1);
        indexer.close();

        // while the indexer is down
        SearchFixtures.exec(shards, 50, true, "UPDATE %s SET message = ? WHERE rpid = ?",
                "edited while the indexer was down", 5001L);
        insert(Row.of(5002, 51, 902, "posted while the indexer was down", T0));

        indexer = newIndexer();
        indexer.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(rpids(search("while the indexer was down", null, null))).containsExactlyInAnyOrder(5001L, 5002L);
            assertThat(search("before the restart", null, null).total()).isZero();
        });
        // the three row changes made while it was down, plus at most the last transaction before the stop read
        // again (see BinlogIndexer.markProcessed): no second snapshot, no replay from the start
        assertThat(rows).isGreaterThan(6);
        assertThat(indexer.records()).isBetween(3L, 4L);
    }

    @Test
    @Order(7)
    void aReindexAfterTheIndexIsWipedBringsEveryRowBack() {
        index.wipe();
        assertThat(index.count()).isZero();

        IndexRebuilder.Result r = new Reindexer(shards, index, indexer).reindexAll();
        assertThat(r.documents()).isEqualTo(rows);
        assertThat(r.index()).startsWith(ALIAS + "-");
        assertThat(index.aliasTargets()).containsExactly(r.index());
        index.refresh();
        assertThat(index.count()).isEqualTo(rows);
        assertThat(rpids(search("about dogs", null, null))).containsExactly(3001L);
        assertThat(rpids(search(null, 40L, ReplyState.DELETED))).isEmpty(); // purged rows are gone for good
        assertThat(rpids(search(null, 40L, ReplyState.HIDDEN))).containsExactly(4001L);
        assertThat(search("弹幕护体", null, null).items().get(0).mid()).isEqualTo(601);

        // the binlog keeps feeding the rebuilt index
        SearchFixtures.exec(shards, 10, true, "UPDATE %s SET message = ? WHERE rpid = ?", "after the reindex", 1001L);
        await().atMost(WITHIN).until(() -> search("after the reindex", null, null).total() == 1);

        // and a second reindex replaces the first index
        IndexRebuilder.Result again = new Reindexer(shards, index, indexer).reindexAll();
        assertThat(index.aliasTargets()).containsExactly(again.index());
        assertThat(again.documents()).isEqualTo(rows);
    }

    @Test
    @Order(8)
    void aWipedIndexIsCreatedAgainByTheNextChange() {
        index.wipe();
        // the write fails (no alias, and writes never auto-create an index), the indexer creates it and retries
        SearchFixtures.exec(shards, 10, false, "UPDATE %s SET `like` = ? WHERE rpid = ?", 42, 1001L);
        // a search landing while the new index's shard starts is answered -503, as it should be; look again
        await().atMost(WITHIN).ignoreExceptionsInstanceOf(PlazaError.class).untilAsserted(() -> {
            assertThat(index.aliasTargets()).isNotEmpty();
            CommentSearchPage p = search(null, 10L, null);
            assertThat(rpids(p)).containsExactly(1001L);
            assertThat(p.items().get(0).like()).isEqualTo(42);
        });
    }
}
