package dev.plaza.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.account.biz.LoginResult;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The catalog's HTTP API end to end: edge, real account system, MariaDB, Redis and Kafka. */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveHttpIT {
    private static final String MEDIA = "https://cdn.example.com/v/1.mp4";

    private ArchiveTestStack stack;
    private HttpTestClient http;
    private LoginResult alice;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        stack = ArchiveTestStack.start(endpoints, "arc_http_it", 1, endpoints.kafkaBootstrap());
        http = HttpTestClient.local(stack.httpPort());
        alice = stack.user("alice_up");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private HttpTestClient.Call add(LoginResult who, String title) {
        return http.post("/x/archive/add").bearer(who.token())
                .param("title", title).param("desc", "about " + title).param("duration", 125)
                .param("cover", "https://img.example.com/c.jpg").param("media_url", MEDIA);
    }

    @Test
    void addThenViewInBilibilisShape() {
        long before = Instant.now().getEpochSecond();
        Answer added = add(alice, "我的第一个视频 🎬").send();
        assertThat(added.code()).as(added.toString()).isZero();
        long aid = added.data().path("aid").asLong();
        long cid = added.data().path("cid").asLong();
        assertThat(aid).isGreaterThanOrEqualTo(100_001).isLessThan(1L << 53);
        assertThat(cid).isPositive();

        Answer view = http.get("/x/web-interface/view").param("aid", aid).send();
        assertThat(view.code()).as(view.toString()).isZero();
        JsonNode d = view.data();
        assertThat(d.path("aid").asLong()).isEqualTo(aid);
        assertThat(d.path("title").asText()).isEqualTo("我的第一个视频 🎬");
        assertThat(d.path("desc").asText()).isEqualTo("about 我的第一个视频 🎬");
        assertThat(d.path("duration").asInt()).isEqualTo(125);
        assertThat(d.path("pic").asText()).isEqualTo("https://img.example.com/c.jpg");
        assertThat(d.path("media_url").asText()).isEqualTo(MEDIA);
        assertThat(d.path("pubdate").asLong()).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(d.path("ctime").asLong()).isEqualTo(d.path("pubdate").asLong());
        assertThat(d.path("cid").asLong()).isEqualTo(cid);
        assertThat(d.path("owner").path("mid").asLong()).isEqualTo(alice.user().mid());
        assertThat(d.path("owner").path("name").asText()).isEqualTo("alice_up");
        assertThat(d.path("owner").path("face").asText()).isEqualTo("https://img.example.com/default-face.png");
        JsonNode stat = d.path("stat");
        assertThat(stat.path("aid").asLong()).isEqualTo(aid);
        assertThat(stat.path("view").asLong()).isEqualTo(1);
        for (String zero : List.of("reply", "like", "danmaku", "favorite", "coin", "share")) {
            assertThat(stat.has(zero)).as(zero).isTrue();
            assertThat(stat.path(zero).asLong()).as(zero).isZero();
        }
        JsonNode pages = d.path("pages");
        assertThat(pages.size()).isEqualTo(1);
        assertThat(pages.get(0).path("cid").asLong()).isEqualTo(cid);
        assertThat(pages.get(0).path("page").asInt()).isEqualTo(1);
        assertThat(pages.get(0).path("part").asText()).isEqualTo("我的第一个视频 🎬");
        assertThat(pages.get(0).path("duration").asInt()).isEqualTo(125);

        // every view counts, in Redis
        for (int i = 2; i <= 4; i++) {
            assertThat(http.get("/x/web-interface/view").param("aid", aid).send().data().path("stat").path("view")
                    .asLong()).isEqualTo(i);
        }
        assertThat(stack.redis().sync().get("arc:view:" + aid)).isEqualTo("4");
    }

    @Test
    void jsonBodyAndOptionalFields() {
        Answer added = http.post("/x/archive/add").bearer(alice.token())
                .json("{\"title\":\"  json video  \",\"duration\":3,\"media_url\":\"http://cdn.example.com/j.mp4\"}")
                .send();
        assertThat(added.code()).as(added.toString()).isZero();
        JsonNode d = http.get("/x/web-interface/view").param("aid", added.data().path("aid").asLong()).send().data();
        assertThat(d.path("title").asText()).isEqualTo("json video");
        assertThat(d.path("desc").asText()).isEmpty();
        assertThat(d.path("pic").asText()).isEmpty();
        assertThat(d.path("duration").asInt()).isEqualTo(3);
    }

    @Test
    void cookieAuthWithCsrfWorks() {
        Answer ok = http.post("/x/archive/add").cookie("SESSDATA", alice.token()).cookie("bili_jct", alice.csrf())
                .param("csrf", alice.csrf()).param("title", "by cookie").param("duration", 1)
                .param("media_url", MEDIA).send();
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(stack.archive().usecase().get(ok.data().path("aid").asLong()).ownerMid())
                .isEqualTo(alice.user().mid());
    }

    @Test
    void listIsPagedNewestFirstAndFiltersByUploader() {
        LoginResult bob = stack.user("bob_lister");
        List<Long> bobs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            bobs.add(add(bob, "bob " + i).send().data().path("aid").asLong());
        }
        add(alice, "alice after bob").send();

        Answer p1 = http.get("/x/archive/list").param("mid", bob.user().mid()).param("pn", 1).param("ps", 2).send();
        assertThat(p1.code()).as(p1.toString()).isZero();
        assertThat(p1.data().path("page").path("pn").asInt()).isEqualTo(1);
        assertThat(p1.data().path("page").path("ps").asInt()).isEqualTo(2);
        assertThat(p1.data().path("page").path("count").asLong()).isEqualTo(5);
        assertThat(aids(p1)).containsExactly(bobs.get(4), bobs.get(3));
        JsonNode item = p1.data().path("archives").get(0);
        assertThat(item.path("title").asText()).isEqualTo("bob 5");
        assertThat(item.path("owner").path("name").asText()).isEqualTo("bob_lister");
        assertThat(item.path("stat").path("view").asLong()).isZero();
        assertThat(item.path("cid").asLong()).isPositive();
        assertThat(item.path("media_url").asText()).isEqualTo(MEDIA);
        assertThat(item.has("pages")).isFalse();

        assertThat(aids(http.get("/x/archive/list").param("mid", bob.user().mid()).param("pn", 3).param("ps", 2)
                .send())).containsExactly(bobs.get(0));
        assertThat(aids(http.get("/x/archive/list").param("mid", bob.user().mid()).param("pn", 4).param("ps", 2)
                .send())).isEmpty();

        // views show up in lists (without counting)
        http.get("/x/web-interface/view").param("aid", bobs.get(4)).send();
        Answer again = http.get("/x/archive/list").param("mid", bob.user().mid()).param("ps", 1).send();
        assertThat(again.data().path("archives").get(0).path("stat").path("view").asLong()).isEqualTo(1);

        // everyone's videos, newest first, default page size 20
        Answer all = http.get("/x/archive/list").send();
        assertThat(all.data().path("page").path("ps").asInt()).isEqualTo(20);
        assertThat(all.data().path("page").path("count").asLong()).isEqualTo(stack.count("archive"));
        List<Long> allAids = aids(all);
        assertThat(allAids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(allAids.get(0)).isGreaterThan(bobs.get(4));

        assertThat(http.get("/x/archive/list").param("mid", 987_654_321).send().data().path("page").path("count")
                .asLong()).isZero();
    }

    @Test
    void badPagingIsRejected() {
        for (UnaryOperator<HttpTestClient.Call> bad : List.<UnaryOperator<HttpTestClient.Call>>of(
                c -> c.param("pn", 0), c -> c.param("pn", -1), c -> c.param("pn", "x"), c -> c.param("ps", 0),
                c -> c.param("ps", 51), c -> c.param("ps", "1.5"), c -> c.param("mid", "abc"), c -> c.param("mid", 0),
                c -> c.param("pn", "99999999999999999999"))) {
            Answer a = bad.apply(http.get("/x/archive/list")).send();
            assertThat(a.code()).as(a.toString()).isEqualTo(-400);
        }
    }

    @Test
    void viewErrors() {
        Answer unknown = http.get("/x/web-interface/view").param("aid", 99_999_999).send();
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(-404);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(http.get("/x/web-interface/view").param("aid", "abc").send().code()).isEqualTo(-400);
        assertThat(http.get("/x/web-interface/view").param("aid", "12abc").send().code()).isEqualTo(-400);
        assertThat(http.get("/x/web-interface/view").send().code()).isEqualTo(-400);
        assertThat(http.get("/x/web-interface/view").param("aid", 0).send().code()).isEqualTo(-400);
        assertThat(http.get("/x/web-interface/view").param("aid", -7).send().code()).isEqualTo(-400);
        assertThat(stack.redis().sync().get("arc:view:99999999")).isNull();
    }

    @Test
    void ownerUnknownToAccountRendersWithEmptyName() {
        long aid = stack.archive().usecase().add(55_555_555L, "orphan", "", 10, "", MEDIA).aid();
        Answer view = http.get("/x/web-interface/view").param("aid", aid).send();
        assertThat(view.code()).isZero();
        assertThat(view.data().path("owner").path("mid").asLong()).isEqualTo(55_555_555L);
        assertThat(view.data().path("owner").path("name").asText()).isEmpty();
    }

    @Test
    void everyBadAddIsRejectedAndStoresNothing() {
        long archives = stack.count("archive");
        long pages = stack.count("archive_page");
        String longUrl = "https://cdn.example.com/" + "v".repeat(1001);     // 1025 characters
        String longCover = "https://img.example.com/" + "c".repeat(489);    // 513 characters
        Map<String, UnaryOperator<HttpTestClient.Call>> cases = new java.util.LinkedHashMap<>();
        cases.put("title missing", c -> c.param("title", ""));
        cases.put("title blank", c -> c.param("title", "   "));
        cases.put("title too long", c -> c.param("title", "x".repeat(81)));
        cases.put("title control char", c -> c.param("title", "a\u0001b"));
        cases.put("desc too long", c -> c.param("desc", "d".repeat(2001)));
        cases.put("duration missing", c -> c.param("duration", ""));
        cases.put("duration zero", c -> c.param("duration", 0));
        cases.put("duration too long", c -> c.param("duration", 86_401));
        cases.put("duration not a number", c -> c.param("duration", "1m"));
        cases.put("cover not http", c -> c.param("cover", "ftp://img.example.com/c.jpg"));
        cases.put("cover relative", c -> c.param("cover", "/static/c.jpg"));
        cases.put("cover too long", c -> c.param("cover", longCover));
        cases.put("media_url missing", c -> c.param("media_url", ""));
        cases.put("media_url javascript", c -> c.param("media_url", "javascript:alert(1)"));
        cases.put("media_url no host", c -> c.param("media_url", "https:///v.mp4"));
        cases.put("media_url spaces", c -> c.param("media_url", "https://cdn.example.com/a b.mp4"));
        cases.put("media_url too long", c -> c.param("media_url", longUrl));
        for (var e : cases.entrySet()) {
            Answer a = e.getValue().apply(add(alice, "valid title")).send();
            assertThat(a.code()).as(e.getKey() + ": " + a).isEqualTo(-400);
            String field = e.getKey().split(" ")[0];
            assertThat(a.message()).as(e.getKey()).contains(field);
        }
        assertThat(http.post("/x/archive/add").bearer(alice.token()).json("{broken").send().code()).isEqualTo(-400);
        assertThat(http.post("/x/archive/add").bearer(alice.token()).json("[1]").send().code()).isEqualTo(-400);

        // not logged in, bad token, cookie without csrf
        assertThat(http.post("/x/archive/add").param("title", "t").param("duration", 1).param("media_url", MEDIA)
                .send().code()).isEqualTo(-101);
        assertThat(add(alice, "t").bearer("not-a-token").send().code()).isEqualTo(-101);
        Answer noCsrf = http.post("/x/archive/add").cookie("SESSDATA", alice.token()).cookie("bili_jct", alice.csrf())
                .param("title", "t").param("duration", 1).param("media_url", MEDIA).send();
        assertThat(noCsrf.code()).isEqualTo(-111);

        assertThat(stack.count("archive")).isEqualTo(archives);
        assertThat(stack.count("archive_page")).isEqualTo(pages);
        assertThat(stack.count("archive_outbox o WHERE NOT EXISTS (SELECT 1 FROM archive a WHERE a.aid = o.aid)"))
                .isZero();
    }

    @Test
    void boundaryValuesAreAccepted() {
        Answer a = add(alice, "\uD83D\uDE00".repeat(80)).param("desc", "d".repeat(2000)).param("duration", 86_400)
                .param("cover", "https://img.example.com/" + "c".repeat(488))
                .param("media_url", "https://cdn.example.com/" + "v".repeat(1000)).send();
        assertThat(a.code()).as(a.toString()).isZero();
        JsonNode d = http.get("/x/web-interface/view").param("aid", a.data().path("aid").asLong()).send().data();
        assertThat(d.path("title").asText()).isEqualTo("\uD83D\uDE00".repeat(80));
        assertThat(d.path("desc").asText()).hasSize(2000);
        assertThat(d.path("pic").asText()).hasSize(512);
        assertThat(d.path("media_url").asText()).hasSize(1024);
    }

    private static List<Long> aids(Answer a) {
        List<Long> out = new ArrayList<>();
        a.data().path("archives").forEach(n -> out.add(n.path("aid").asLong()));
        return out;
    }
}
