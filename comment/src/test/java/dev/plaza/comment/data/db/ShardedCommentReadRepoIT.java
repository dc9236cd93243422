package dev.plaza.comment.data.db;

import static dev.plaza.comment.data.db.CommentDbFixture.reply;
import static dev.plaza.comment.data.db.CommentDbFixture.root;
import static dev.plaza.comment.data.db.CommentDbFixture.withState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The read side on real MariaDB: the list orders, paging, first replies, batches, and the shard layout. */
@RequiresEngines(EngineKind.MARIADB)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCommentReadRepoIT {
    private static final AtomicLong OIDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 100);
    private CommentDbFixture db;
    private CommentStore store;
    private ShardedCommentReadRepo repo;

    @BeforeAll
    void open(Endpoints endpoints) throws Exception {
        db = CommentDbFixture.fresh(endpoints, "comment_read_it");
        store = db.store;
        repo = db.repo;
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static SubjectKey newSubject() {
        return new SubjectKey(SubjectKey.TYPE_VIDEO, OIDS.incrementAndGet());
    }

    private ReplyIndex post(CommentStore.NewReply r) {
        return store.applyPost(r, 7).reply().index();
    }

    @Test
    void rootsComeInEachSortOrderAndPage() {
        SubjectKey key = newSubject();
        // five roots: likes 0,3,3,1,0 and replies 2,0,1,0,0 (floors of replies interleave)
        List<ReplyIndex> roots = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            roots.add(post(root(key, 1, "root " + i)));
        }
        int[] likes = {0, 3, 3, 1, 0};
        for (int i = 0; i < 5; i++) {
            for (int u = 0; u < likes[i]; u++) {
                store.applyAction(key, roots.get(i).rpid(), 1000 + u, 1, true);
            }
        }
        post(reply(key, 2, roots.get(0).rpid(), 0, "a"));
        post(reply(key, 2, roots.get(0).rpid(), 0, "b"));
        post(reply(key, 2, roots.get(2).rpid(), 0, "c"));
        // not shown: a held root, a hidden root
        post(withState(root(key, 3, "held"), ReplyState.PENDING));
        ReplyIndex hidden = post(root(key, 3, "hidden"));
        store.applyModerate(key, hidden.rpid(), ReplyState.HIDDEN);
        long[] id = roots.stream().mapToLong(ReplyIndex::rpid).toArray();

        assertThat(repo.roots(key, Sort.TIME, 0, 20)).extracting(ReplyIndex::rpid)
                .containsExactly(id[4], id[3], id[2], id[1], id[0]);
        assertThat(repo.roots(key, Sort.TIME, 1, 2)).extracting(ReplyIndex::rpid).containsExactly(id[3], id[2]);
        assertThat(repo.roots(key, Sort.TIME, 5, 20)).isEmpty();
        // ties go to the newer
        assertThat(repo.roots(key, Sort.LIKES, 0, 20)).extracting(ReplyIndex::rpid)
                .containsExactly(id[2], id[1], id[3], id[4], id[0]);
        assertThat(repo.roots(key, Sort.REPLIES, 0, 20)).extracting(ReplyIndex::rpid)
                .containsExactly(id[0], id[2], id[4], id[3], id[1]);
        List<ReplyIndex> hot = repo.roots(key, Sort.HOT, 0, 20);
        assertThat(hot).hasSize(5);
        List<ReplyIndex> byScore = new ArrayList<>(hot);
        byScore.sort(Comparator.comparingDouble((ReplyIndex r) -> IndexScores.root(Sort.HOT, r)).reversed());
        assertThat(hot).isEqualTo(byScore);
        assertThat(hot.get(0).rpid()).isIn(id[0], id[2]); // most approval
        assertThat(repo.roots(key, Sort.HOT, 3, 20)).hasSize(2);
        assertThat(repo.roots(key, Sort.HOT, 10, 20)).isEmpty();
        assertThat(repo.roots(newSubject(), Sort.TIME, 0, 20)).isEmpty();
    }

    @Test
    void hotSortsOverABoundedCandidateSet() {
        SubjectKey key = newSubject();
        for (int i = 0; i < 12; i++) {
            post(root(key, 1, "r" + i));
        }
        ShardedCommentReadRepo small = new ShardedCommentReadRepo(db.shards, 3);
        // the newest 3 plus the top 3 by likes and replies (all zero: the newest again)
        assertThat(small.roots(key, Sort.HOT, 0, 20)).hasSize(3);
    }

    @Test
    void repliesGoByFloorAndFirstRepliesArePerRoot() {
        SubjectKey key = newSubject();
        ReplyIndex r0 = post(root(key, 1, "none"));
        ReplyIndex r1 = post(root(key, 1, "two"));
        ReplyIndex r2 = post(root(key, 1, "five"));
        List<Long> under2 = new ArrayList<>();
        List<Long> under1 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            under2.add(post(reply(key, 2, r2.rpid(), 0, "x" + i)).rpid());
            if (i < 2) {
                under1.add(post(reply(key, 2, r1.rpid(), 0, "y" + i)).rpid());
            }
        }
        ReplyIndex held = post(withState(reply(key, 2, r2.rpid(), 0, "held"), ReplyState.PENDING));
        store.applyDelete(key, under2.get(1));

        List<Long> visible2 = List.of(under2.get(0), under2.get(2), under2.get(3), under2.get(4));
        assertThat(repo.replies(key, r2.rpid(), 0, 20)).extracting(ReplyIndex::rpid).containsExactlyElementsOf(visible2);
        assertThat(repo.replies(key, r2.rpid(), 1, 2)).extracting(ReplyIndex::rpid)
                .containsExactly(under2.get(2), under2.get(3));
        assertThat(repo.replies(key, r2.rpid(), 0, 20)).extracting(ReplyIndex::rpid).doesNotContain(held.rpid());

        Map<Long, List<ReplyIndex>> first = repo.firstReplies(key, List.of(r0.rpid(), r1.rpid(), r2.rpid()), 3);
        assertThat(first).doesNotContainKey(r0.rpid());
        assertThat(first.get(r1.rpid())).extracting(ReplyIndex::rpid).containsExactlyElementsOf(under1);
        assertThat(first.get(r2.rpid())).extracting(ReplyIndex::rpid).containsExactlyElementsOf(visible2.subList(0, 3));
        assertThat(repo.firstReplies(key, List.of(), 3)).isEmpty();

        // a hidden root hides its replies from the list
        store.applyModerate(key, r2.rpid(), ReplyState.HIDDEN);
        assertThat(repo.replies(key, r2.rpid(), 0, 20)).isEmpty();
    }

    @Test
    void batchesReadIndexesContentsAndActions() {
        SubjectKey key = newSubject();
        String text = "plain <b>text</b> & 表情 😀 exactly as written\nline two";
        CommentStore.NewReply n = new CommentStore.NewReply(CommentDbFixture.id(), key, 5, 0, 0, text,
                List.of(11L, 12L), "10.0.0.1", "android", "Pixel 9", ReplyState.NORMAL,
                Instant.parse("2026-05-01T10:15:30.123456Z"));
        ReplyIndex a = post(n);
        ReplyIndex b = post(root(key, 6, "b"));
        store.applyModerate(key, b.rpid(), ReplyState.HIDDEN);
        store.applyAction(key, a.rpid(), 77, 1, true);
        store.applyAction(key, b.rpid(), 77, 2, true); // hidden: not applied

        Map<Long, ReplyIndex> idx = repo.indexes(key, List.of(a.rpid(), b.rpid(), 42L, a.rpid()));
        assertThat(idx).containsOnlyKeys(a.rpid(), b.rpid());
        assertThat(idx.get(b.rpid()).state()).isEqualTo(ReplyState.HIDDEN);
        assertThat(idx.get(a.rpid()).ctime()).isEqualTo(Instant.parse("2026-05-01T10:15:30.123Z"));
        assertThat(idx.get(a.rpid()).like()).isEqualTo(1);
        // another subject's rpid is not this subject's comment
        assertThat(repo.indexes(newSubject(), List.of(a.rpid()))).isEmpty();

        Map<Long, ReplyContent> c = repo.contents(key, List.of(a.rpid(), b.rpid()));
        assertThat(c.get(a.rpid())).isEqualTo(new ReplyContent(a.rpid(), text, List.of(11L, 12L), "10.0.0.1",
                "android", "Pixel 9", Instant.parse("2026-05-01T10:15:30.123Z")));
        assertThat(c.get(b.rpid()).message()).isEqualTo("b");

        assertThat(repo.actions(key, 77, List.of(a.rpid(), b.rpid()))).isEqualTo(Map.of(a.rpid(), 1));
        assertThat(repo.actions(key, 78, List.of(a.rpid()))).isEmpty();
        assertThat(repo.actions(key, 0, List.of(a.rpid()))).isEmpty();

        // large batches are split
        List<Long> many = new ArrayList<>();
        for (long i = 0; i < 1_200; i++) {
            many.add(i + 1);
        }
        many.add(a.rpid());
        assertThat(repo.indexes(key, many)).containsOnlyKeys(a.rpid());
        assertThat(repo.subject(key).orElseThrow().allCount()).isEqualTo(1);
        assertThat(repo.subject(newSubject())).isEmpty();
    }

    @Test
    void subjectsSpreadOverSeveralDatabasesAndTheLayoutIsChecked(Endpoints endpoints) throws Exception {
        endpoints.dropDatabase("comment_shard_a_it");
        endpoints.dropDatabase("comment_shard_b_it");
        try (CommentDbFixture two = CommentDbFixture.open(endpoints, 2, 4, 4, 2, "comment_shard_a_it",
                "comment_shard_b_it")) {
            SubjectKey even = new SubjectKey(1, 1_000);
            SubjectKey odd = new SubjectKey(1, 1_003);
            ReplyIndex e = two.store.applyPost(root(even, 1, "even"), 7).reply().index();
            ReplyIndex o = two.store.applyPost(root(odd, 1, "odd"), 7).reply().index();
            two.store.applyPost(reply(odd, 2, o.rpid(), 0, "odd reply"), 7);
            assertThat(two.shards.router().database(even.oid())).isZero();
            assertThat(two.shards.router().database(odd.oid())).isEqualTo(1);
            assertThat(two.shards.router().indexTable(odd.oid())).isEqualTo("reply_index_03");
            // each database holds only its share of the tables
            assertThat(tables(endpoints, "comment_shard_a_it")).contains("reply_index_00", "reply_index_02",
                    "subject_00").doesNotContain("reply_index_01", "subject_01");
            assertThat(tables(endpoints, "comment_shard_b_it")).contains("reply_index_01", "reply_index_03",
                    "subject_01", "reply_action_01").doesNotContain("reply_index_00");
            assertThat(rows(endpoints, "comment_shard_a_it", "reply_index_00")).isEqualTo(1);
            assertThat(rows(endpoints, "comment_shard_b_it", "reply_index_03")).isEqualTo(2);
            assertThat(two.repo.subject(odd).orElseThrow().allCount()).isEqualTo(2);
            assertThat(two.repo.roots(even, Sort.TIME, 0, 5)).extracting(ReplyIndex::rpid).containsExactly(e.rpid());
        }
        // reopening with other counts would look for rows in the wrong tables: refused
        assertThatThrownBy(() -> CommentDbFixture.open(endpoints, 2, 8, 4, 2, "comment_shard_a_it",
                "comment_shard_b_it")).isInstanceOf(IllegalStateException.class).hasMessageContaining("resharding");
        // the same layout opens again, with its data
        try (CommentDbFixture again = CommentDbFixture.open(endpoints, 2, 4, 4, 2, "comment_shard_a_it",
                "comment_shard_b_it")) {
            assertThat(again.repo.subject(new SubjectKey(1, 1_003)).orElseThrow().floorCount()).isEqualTo(2);
        }
    }

    @Test
    void theTablesCanShareADatabaseWithAnotherSystem(Endpoints endpoints) throws Exception {
        endpoints.dropDatabase("comment_shared_it");
        endpoints.createDatabase("comment_shared_it");
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl("comment_shared_it"),
                endpoints.mariadbUser(), endpoints.mariadbPassword())) {
            c.createStatement().execute("CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY)");
            c.createStatement().execute("CREATE TABLE archive (aid BIGINT PRIMARY KEY)");
        }
        try (CommentDbFixture shared = CommentDbFixture.open(endpoints, 1, 1, 1, 1, "comment_shared_it")) {
            SubjectKey key = newSubject();
            shared.store.applyPost(root(key, 1, "next to the videos"), 7);
            assertThat(shared.repo.subject(key).orElseThrow().allCount()).isEqualTo(1);
        }
        assertThat(tables(endpoints, "comment_shared_it")).contains("archive", "flyway_schema_history",
                CommentShards.HISTORY_TABLE, "comment_shards", "subject_00", "reply_index_00", "reply_content_00",
                "reply_action_00");
    }

    private static List<String> tables(Endpoints endpoints, String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(database), endpoints.mariadbUser(),
                endpoints.mariadbPassword());
             ResultSet rs = c.createStatement().executeQuery("SHOW TABLES")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long rows(Endpoints endpoints, String database, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(database), endpoints.mariadbUser(),
                endpoints.mariadbPassword());
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
