package dev.plaza.comment.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.admin.server.AdminConfig;
import dev.plaza.comment.admin.server.AdminServer;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.search.SearchFixtures;
import dev.plaza.comment.data.search.SearchFixtures.Row;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpEdgeConfig;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.http.Principal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin endpoints over the kit's HTTP edge, on the real MariaDB and OpenSearch, with the binlog indexer feeding
 * the index: access control, validation, every search filter, the review queue, the actions (checked against the
 * tables, published as events) and the reindex command.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.OPENSEARCH})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommentAdminRoutesIT {
    private static final String ADMIN = "admin-token";
    private static final String USER = "user-token";
    private static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");

    /** The events the admin actions hand to the write path, in order. */
    private final List<Map.Entry<SubjectKey, CommentEvent>> published = new CopyOnWriteArrayList<>();
    private final CommentEvents events = (key, event) -> published.add(Map.entry(key, event));
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AdminServer admin;
    private CommentShards shards;
    private HttpTestClient http;
    private Path dataDir;
    private int rows;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CommentDbConfig db = SearchFixtures.freshDatabases(endpoints, "it_search_admin", 1);
        shards = CommentShards.open(db, meters);
        closeables.add(shards);
        dataDir = Files.createTempDirectory("plaza-admin-it");
        admin = AdminServer.create(new AdminConfig(db, endpoints.opensearchUrl(), "it-admin-comments", dataDir, true, 0,
                true, 1, 0), shards, events, meters, Clock.systemUTC());
        closeables.add(admin);
        admin.index().wipe();
        seed();
        admin.start();

        HttpEdge edge = HttpEdge.builder(HttpEdgeConfig.local(0)).meterRegistry(meters)
                .authenticator(token -> switch (token) {
                    case ADMIN -> Optional.of(new Principal(1, "moderator", true, ""));
                    case USER -> Optional.of(new Principal(2, "alice", false, ""));
                    default -> Optional.empty();
                })
                .routes(admin.httpRoutes()).build();
        edge.start();
        closeables.add(edge);
        http = HttpTestClient.local(edge.port());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> total(search().send()) == rows);
    }

    /**
     * Subject (1, 100): roots 10001 (alice, 501), 10002 (bob, 502, hidden), a reply 10003 to 10001 (502), 10004
     * pending (503) and 10005 deleted (501). Subject (1, 200): 20001 (501), 20002 pending (504). Subject (2, 100):
     * 30001 (501).
     */
    private void seed() {
        insert(Row.of(10001, 100, 501, "这个视频太好看了 first root", T0));
        insert(Row.of(10002, 100, 502, "buy cheap followers at example dot com", T0.plusSeconds(60))
                .withState(ReplyState.HIDDEN));
        insert(Row.of(10003, 100, 502, "agreed, 好看", T0.plusSeconds(120)).withRoot(10001));
        insert(Row.of(10004, 100, 503, "held by the filter: cheap followers", T0.plusSeconds(180))
                .withState(ReplyState.PENDING));
        insert(Row.of(10005, 100, 501, "deleted by its author", T0.plusSeconds(240)).withState(ReplyState.DELETED));
        insert(Row.of(20001, 200, 501, "another video, another comment", T0.plusSeconds(3600)));
        insert(Row.of(20002, 200, 504, "pending on the second video", T0.plusSeconds(30)).withState(ReplyState.PENDING));
        insert(Row.of(30001, 100, 501, "same oid but an article (type 2)", T0.plusSeconds(7200)).withType(2));
    }

    private void insert(Row r) {
        SearchFixtures.insert(shards, r);
        rows++;
    }

    @BeforeEach
    void clearEvents() {
        published.clear();
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.index().wipe();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // keep closing
            }
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // a temp folder; leave it
            }
        }
    }

    private HttpTestClient.Call search() {
        return http.get("/x/admin/reply/search").bearer(ADMIN).param("ps", 50);
    }

    private static long total(Answer a) {
        assertThat(a.code()).as(a.toString()).isZero();
        return a.data().path("page").path("total").asLong();
    }

    private static List<Long> rpids(Answer a) {
        assertThat(a.code()).as(a.toString()).isZero();
        List<Long> out = new ArrayList<>();
        for (JsonNode r : a.data().path("replies")) {
            out.add(r.path("rpid").asLong());
        }
        return out;
    }

    private HttpTestClient.Call action(String what, int type, long oid, long rpid) {
        return http.post("/x/admin/reply/" + what).bearer(ADMIN).param("type", type).param("oid", oid)
                .param("rpid", rpid);
    }

    @Test
    void onlyAdminsGetIn() {
        for (HttpTestClient.Call c : List.of(http.get("/x/admin/reply/search"), http.get("/x/admin/reply/queue"),
                http.post("/x/admin/reply/hide").param("type", 1).param("oid", 100).param("rpid", 10001),
                http.post("/x/admin/reply/reindex"))) {
            assertThat(c.send().code()).isEqualTo(-101);
        }
        assertThat(http.get("/x/admin/reply/search").bearer("nobody-knows-this").send().code()).isEqualTo(-101);
        for (HttpTestClient.Call c : List.of(http.get("/x/admin/reply/search").bearer(USER),
                http.get("/x/admin/reply/queue").bearer(USER),
                http.post("/x/admin/reply/del").bearer(USER).param("type", 1).param("oid", 100).param("rpid", 10001),
                http.post("/x/admin/reply/top").bearer(USER).param("type", 1).param("oid", 100).param("rpid", 10001),
                http.post("/x/admin/reply/reindex").bearer(USER))) {
            Answer a = c.send();
            assertThat(a.code()).as(a.toString()).isEqualTo(-403);
        }
        assertThat(published).isEmpty();
    }

    @Test
    void badParametersAreRefusedWithMinus400() {
        List<HttpTestClient.Call> bad = List.of(
                search().param("ps", 51),
                search().param("pn", 0),
                search().param("pn", 201).param("ps", 50),
                search().param("state", 4),
                search().param("mid", "abc"),
                search().param("oid", -1),
                search().param("type", 0),
                search().param("from", 2000).param("to", 1000),
                search().param("keyword", "x".repeat(101)),
                http.get("/x/admin/reply/queue").bearer(ADMIN).param("ps", 100),
                http.post("/x/admin/reply/hide").bearer(ADMIN).param("type", 1).param("oid", 100),
                http.post("/x/admin/reply/hide").bearer(ADMIN).param("oid", 100).param("rpid", 10001),
                action("restore", 0, 100, 10001),
                action("top", 1, 100, 10001).param("action", 2));
        for (HttpTestClient.Call c : bad) {
            Answer a = c.send();
            assertThat(a.code()).as(a.toString()).isEqualTo(-400);
        }
        assertThat(published).isEmpty();
    }

    @Test
    void searchFiltersByKeywordMidOidTypeStateAndTime() {
        // everything, newest first
        assertThat(rpids(search().send()))
                .containsExactly(30001L, 20001L, 10005L, 10004L, 10003L, 10002L, 20002L, 10001L);
        // keyword: a phrase, CJK in order
        assertThat(rpids(search().param("keyword", "好看").send())).containsExactly(10003L, 10001L);
        assertThat(rpids(search().param("keyword", "看好").send())).isEmpty();
        assertThat(rpids(search().param("keyword", "cheap followers").send())).containsExactly(10004L, 10002L);
        // mid
        assertThat(rpids(search().param("mid", 502).send())).containsExactly(10003L, 10002L);
        // oid alone spans types; oid + type is one subject
        assertThat(rpids(search().param("oid", 100).send()))
                .containsExactly(30001L, 10005L, 10004L, 10003L, 10002L, 10001L);
        assertThat(rpids(search().param("oid", 100).param("type", 1).send()))
                .containsExactly(10005L, 10004L, 10003L, 10002L, 10001L);
        // state
        assertThat(rpids(search().param("state", ReplyState.HIDDEN).send())).containsExactly(10002L);
        assertThat(rpids(search().param("state", ReplyState.DELETED).send())).containsExactly(10005L);
        assertThat(rpids(search().param("state", ReplyState.NORMAL).param("mid", 501).send()))
                .containsExactly(30001L, 20001L, 10001L);
        // time range, inclusive, in Unix seconds
        long t0 = T0.getEpochSecond();
        assertThat(rpids(search().param("from", t0 + 60).param("to", t0 + 180).send()))
                .containsExactly(10004L, 10003L, 10002L);
        assertThat(rpids(search().param("from", t0 + 3600).send())).containsExactly(30001L, 20001L);
        assertThat(rpids(search().param("to", t0 + 30).send())).containsExactly(20002L, 10001L);
        // everything at once
        assertThat(rpids(search().param("keyword", "cheap").param("mid", 503).param("oid", 100).param("type", 1)
                .param("state", ReplyState.PENDING).param("from", t0).param("to", t0 + 600).send()))
                .containsExactly(10004L);
    }

    @Test
    void answersArePagedAndShapedLikeTheReplyApi() {
        Answer p1 = http.get("/x/admin/reply/search").bearer(ADMIN).param("pn", 1).param("ps", 3).send();
        Answer p3 = http.get("/x/admin/reply/search").bearer(ADMIN).param("pn", 3).param("ps", 3).send();
        assertThat(rpids(p1)).containsExactly(30001L, 20001L, 10005L);
        assertThat(rpids(p3)).containsExactly(20002L, 10001L);
        JsonNode page = p3.data().path("page");
        assertThat(page.path("pn").asInt()).isEqualTo(3);
        assertThat(page.path("ps").asInt()).isEqualTo(3);
        assertThat(page.path("total").asLong()).isEqualTo(rows);

        Answer one = search().param("keyword", "agreed").send();
        assertThat(rpids(one)).containsExactly(10003L);
        JsonNode r = one.data().path("replies").get(0);
        assertThat(r.path("rpid").asLong()).isEqualTo(10003);
        assertThat(r.path("oid").asLong()).isEqualTo(100);
        assertThat(r.path("type").asInt()).isEqualTo(1);
        assertThat(r.path("mid").asLong()).isEqualTo(502);
        assertThat(r.path("root").asLong()).isEqualTo(10001);
        assertThat(r.path("parent").asLong()).isEqualTo(10001);
        assertThat(r.path("state").asInt()).isZero();
        assertThat(r.path("ctime").asLong()).isEqualTo(T0.getEpochSecond() + 120);
        assertThat(r.path("content").path("message").asText()).isEqualTo("agreed, 好看");
        for (String f : List.of("dialog", "floor", "attr", "like", "hate")) {
            assertThat(r.has(f)).as(f).isTrue();
        }
    }

    @Test
    void theQueueListsPendingCommentsOldestFirst() {
        Answer q = http.get("/x/admin/reply/queue").bearer(ADMIN).send();
        assertThat(rpids(q)).containsExactly(20002L, 10004L);
        assertThat(q.data().path("page").path("total").asLong()).isEqualTo(2);
        assertThat(rpids(http.get("/x/admin/reply/queue").bearer(ADMIN).param("oid", 100).param("type", 1).send()))
                .containsExactly(10004L);
        assertThat(rpids(http.get("/x/admin/reply/queue").bearer(ADMIN).param("pn", 2).param("ps", 1).send()))
                .containsExactly(10004L);
    }

    @Test
    void moderationActionsArePublishedOnTheWritePath() {
        Answer hide = action("hide", 1, 100, 10001).send();
        assertThat(hide.code()).as(hide.toString()).isZero();
        assertThat(hide.data().path("state").asInt()).isEqualTo(ReplyState.NORMAL);
        assertThat(hide.data().path("target").asInt()).isEqualTo(ReplyState.HIDDEN);
        assertThat(hide.data().path("published").asBoolean()).isTrue();

        Answer approve = action("approve", 1, 100, 10004).send();
        assertThat(approve.code()).as(approve.toString()).isZero();
        Answer restore = action("restore", 1, 100, 10002).send();
        assertThat(restore.code()).as(restore.toString()).isZero();
        // already where the action leads: answered, nothing sent
        Answer again = action("restore", 1, 100, 10003).send();
        assertThat(again.code()).isZero();
        assertThat(again.data().path("published").asBoolean()).isFalse();

        assertThat(published).hasSize(3);
        SubjectKey key = new SubjectKey(1, 100);
        assertThat(published).allSatisfy(e -> assertThat(e.getKey()).isEqualTo(key));
        CommentEvent first = published.get(0).getValue();
        assertThat(first.hasModerate()).isTrue();
        assertThat(first.getModerate().getRpid()).isEqualTo(10001);
        assertThat(first.getModerate().getType()).isEqualTo(1);
        assertThat(first.getModerate().getOid()).isEqualTo(100);
        assertThat(first.getModerate().getState()).isEqualTo(ReplyState.HIDDEN);
        assertThat(first.getModerate().getOperatorMid()).isEqualTo(1);
        assertThat(first.getEventTime()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(published.get(1).getValue().getModerate().getRpid()).isEqualTo(10004);
        assertThat(published.get(1).getValue().getModerate().getState()).isEqualTo(ReplyState.NORMAL);
        assertThat(published.get(2).getValue().getModerate().getState()).isEqualTo(ReplyState.NORMAL);
    }

    @Test
    void deleteAndPinArePublishedAndCheckedAgainstTheTables() {
        Answer del = action("del", 1, 100, 10003).send();
        assertThat(del.code()).as(del.toString()).isZero();
        assertThat(del.data().path("target").asInt()).isEqualTo(ReplyState.DELETED);
        CommentEvent d = published.get(0).getValue();
        assertThat(d.hasDelete()).isTrue();
        assertThat(d.getDelete().getRpid()).isEqualTo(10003);
        assertThat(d.getDelete().getBy()).isEqualTo(3);
        assertThat(d.getDelete().getOperatorMid()).isEqualTo(1);

        Answer top = action("top", 1, 200, 20001).send();
        assertThat(top.code()).as(top.toString()).isZero();
        CommentEvent p = published.get(1).getValue();
        assertThat(p.hasPin()).isTrue();
        assertThat(p.getPin().getRpid()).isEqualTo(20001);
        assertThat(p.getPin().getPinned()).isTrue();
        assertThat(published.get(1).getKey()).isEqualTo(new SubjectKey(1, 200));
        // unpinning what is not pinned changes nothing
        Answer unpin = action("top", 1, 200, 20001).param("action", 0).send();
        assertThat(unpin.code()).isZero();
        assertThat(unpin.data().path("published").asBoolean()).isFalse();
        assertThat(published).hasSize(2);

        // refused, nothing sent
        assertThat(action("del", 1, 100, 10005).send().code()).isEqualTo(12022); // already deleted
        assertThat(action("hide", 1, 100, 10005).send().code()).isEqualTo(12022);
        assertThat(action("hide", 1, 100, 99999).send().code()).isEqualTo(-404); // no such comment
        assertThat(action("hide", 1, 200, 10001).send().code()).isEqualTo(-404); // not in that subject
        assertThat(action("hide", 2, 100, 10001).send().code()).isEqualTo(-404); // not of that type
        assertThat(action("top", 1, 100, 10003).send().code()).isEqualTo(-400); // a reply
        assertThat(action("top", 1, 100, 10002).send().code()).isEqualTo(-404); // hidden root
        assertThat(published).hasSize(2);
    }

    @Test
    void reindexRebuildsTheIndexFromTheTables() {
        admin.index().wipe();
        assertThat(total(search().send())).isZero();

        Answer r = http.post("/x/admin/reply/reindex").bearer(ADMIN).send();
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.data().path("documents").asLong()).isEqualTo(rows);
        assertThat(r.data().path("index").asText()).startsWith("it-admin-comments-");
        assertThat(total(search().send())).isEqualTo(rows);
        assertThat(rpids(search().param("keyword", "好看").send())).containsExactly(10003L, 10001L);

        // and the launcher's entry point does the same
        IndexRebuilder.Result again = admin.reindexer().reindexAll();
        assertThat(again.documents()).isEqualTo(rows);
        assertThat(admin.index().aliasTargets()).containsExactly(again.index());
    }
}
