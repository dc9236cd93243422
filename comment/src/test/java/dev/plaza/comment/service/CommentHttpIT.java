package dev.plaza.comment.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.account.biz.LoginResult;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.ListRootsRequest;
import dev.plaza.api.comment.v1.PostRequest;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.cache.RedisCommentCache;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The comment API end to end over HTTP: edge -> comment BFF routes -> comment gRPC service -> Redis / MariaDB, with
 * the real account and archive systems. Events are applied at once by the job's use case ({@link SyncEvents}), so
 * a write is visible as soon as it is answered.
 */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommentHttpIT {
    private CommentTestStack stack;
    private SyncEvents events;
    private HttpTestClient http;
    private LoginResult uploader;
    private LoginResult alice;
    private LoginResult bob;
    private LoginResult admin;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        events = new SyncEvents();
        stack = CommentTestStack.start(endpoints, "cmt_http_it", 6,
                new CommentTestStack.Limits(1000, 1000, Duration.ofSeconds(10), Duration.ofSeconds(60), 1000, 1000),
                s -> events);
        events.job = stack.job();
        http = HttpTestClient.local(stack.httpPort());
        uploader = stack.user("uploader_up");
        alice = stack.user("alice_c");
        bob = stack.user("bob_c");
        admin = stack.admin("admin_c");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private HttpTestClient.Call add(LoginResult who, long oid, String message) {
        return http.post("/x/v2/reply/add").bearer(who.token()).param("type", 1).param("oid", oid)
                .param("message", message);
    }

    private long post(LoginResult who, long oid, String message) {
        Answer a = add(who, oid, message).send();
        assertThat(a.code()).as(a.toString()).isZero();
        return a.data().path("rpid").asLong();
    }

    private long reply(LoginResult who, long oid, long root, long parent, String message) {
        Answer a = add(who, oid, message).param("root", root).param("parent", parent).send();
        assertThat(a.code()).as(a.toString()).isZero();
        return a.data().path("rpid").asLong();
    }

    private Answer list(long oid, Map<String, Object> params, LoginResult reader) {
        HttpTestClient.Call c = http.get("/x/v2/reply").param("type", 1).param("oid", oid);
        params.forEach(c::param);
        if (reader != null) {
            c.bearer(reader.token());
        }
        Answer a = c.send();
        assertThat(a.code()).as(a.toString()).isZero();
        return a;
    }

    private static List<Long> rpids(JsonNode replies) {
        List<Long> out = new ArrayList<>();
        replies.forEach(n -> out.add(n.path("rpid").asLong()));
        return out;
    }

    @Test
    void postThenListInBilibilisShape() {
        long oid = stack.video(uploader, "shape");
        long before = Instant.now().getEpochSecond();
        Answer added = add(alice, oid, "第一条评论 😀 <b>not html</b>").param("plat", 2).send();
        assertThat(added.code()).as(added.toString()).isZero();
        JsonNode d = added.data();
        long rpid = d.path("rpid").asLong();
        assertThat(rpid).isPositive();
        assertThat(d.path("rpid_str").asText()).isEqualTo(Long.toString(rpid));
        assertThat(d.path("root").asLong()).isZero();
        assertThat(d.path("parent").asLong()).isZero();
        assertThat(d.path("success_toast").asText()).isEqualTo("发送成功");
        assertThat(d.path("pending_review").asBoolean()).isFalse();
        JsonNode r = d.path("reply");
        assertThat(r.path("rpid").asLong()).isEqualTo(rpid);
        assertThat(r.path("oid").asLong()).isEqualTo(oid);
        assertThat(r.path("type").asInt()).isEqualTo(1);
        assertThat(r.path("mid").asLong()).isEqualTo(alice.user().mid());
        assertThat(r.path("floor").asInt()).isZero(); // handed out by the job
        assertThat(r.path("ctime").asLong()).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(r.path("member").path("mid").asText()).isEqualTo(Long.toString(alice.user().mid()));
        assertThat(r.path("member").path("uname").asText()).isEqualTo("alice_c");
        assertThat(r.path("member").path("avatar").asText()).isEqualTo("https://img.example.com/default-face.png");
        assertThat(r.path("content").path("message").asText()).isEqualTo("第一条评论 😀 <b>not html</b>");
        assertThat(r.path("content").path("members").isArray()).isTrue();

        Answer page = list(oid, Map.of(), null);
        JsonNode data = page.data();
        assertThat(data.path("page").path("num").asInt()).isEqualTo(1);
        assertThat(data.path("page").path("size").asInt()).isEqualTo(20);
        assertThat(data.path("page").path("count").asInt()).isEqualTo(1);
        assertThat(data.path("page").path("acount").asInt()).isEqualTo(1);
        assertThat(data.path("upper").path("mid").asLong()).isEqualTo(uploader.user().mid());
        assertThat(data.path("upper").path("top").isNull()).isTrue();
        JsonNode item = data.path("replies").get(0);
        for (String field : List.of("rpid", "oid", "type", "mid", "root", "parent", "dialog", "count", "rcount",
                "floor", "state", "attr", "like", "action", "ctime", "member", "content", "replies")) {
            assertThat(item.has(field)).as(field).isTrue();
        }
        assertThat(item.path("rpid").asLong()).isEqualTo(rpid);
        assertThat(item.path("floor").asInt()).isEqualTo(1);
        assertThat(item.path("content").path("message").asText()).isEqualTo("第一条评论 😀 <b>not html</b>");
        assertThat(item.path("member").path("uname").asText()).isEqualTo("alice_c");

        Answer count = http.get("/x/v2/reply/count").param("type", 1).param("oid", oid).send();
        assertThat(count.code()).isZero();
        assertThat(count.data().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void anExistingVideoWithoutCommentsListsEmptyAndAnUnknownOneIsNotFound() {
        long oid = stack.video(uploader, "quiet");
        Answer empty = list(oid, Map.of(), null);
        assertThat(empty.data().path("replies").size()).isZero();
        assertThat(empty.data().path("page").path("count").asInt()).isZero();
        assertThat(empty.data().path("upper").path("mid").asLong()).isEqualTo(uploader.user().mid());
        assertThat(http.get("/x/v2/reply/count").param("type", 1).param("oid", oid).send().data().path("count")
                .asInt()).isZero();
        for (String path : List.of("/x/v2/reply", "/x/v2/reply/main", "/x/v2/reply/count")) {
            Answer a = http.get(path).param("type", 1).param("oid", 987_654_321).send();
            assertThat(a.code()).as(path + " " + a).isEqualTo(-404);
            assertThat(a.status()).isEqualTo(200);
        }
        assertThat(http.get("/x/v2/reply").param("type", 2).param("oid", oid).send().code()).isEqualTo(-404);
    }

    @Test
    void threadsRepliesAndFirstThreeUnderEachRoot() {
        long oid = stack.video(uploader, "threads");
        long root = post(alice, oid, "root");
        long plain = post(bob, oid, "another root");
        List<Long> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rs.add(reply(i % 2 == 0 ? bob : uploader, oid, root, root, "reply " + i));
        }
        long deep = reply(alice, oid, root, rs.get(1), "@uploader_up thanks");

        JsonNode data = list(oid, Map.of(), null).data();
        assertThat(rpids(data.path("replies"))).containsExactly(plain, root);
        assertThat(data.path("page").path("count").asInt()).isEqualTo(2);
        assertThat(data.path("page").path("acount").asInt()).isEqualTo(8);
        JsonNode rootItem = data.path("replies").get(1);
        assertThat(rootItem.path("rcount").asInt()).isEqualTo(6);
        assertThat(rootItem.path("count").asInt()).isEqualTo(6);
        assertThat(rpids(rootItem.path("replies"))).containsExactlyElementsOf(rs.subList(0, 3));
        assertThat(rootItem.path("replies").get(1).path("member").path("uname").asText()).isEqualTo("uploader_up");
        assertThat(rootItem.path("replies").get(0).path("dialog").asLong()).isEqualTo(rs.get(0));
        assertThat(data.path("replies").get(0).path("replies").size()).isZero();

        Answer p1 = http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).param("root", root)
                .param("ps", 4).send();
        assertThat(p1.code()).as(p1.toString()).isZero();
        assertThat(p1.data().path("page").path("count").asInt()).isEqualTo(6);
        assertThat(p1.data().path("root").path("rpid").asLong()).isEqualTo(root);
        assertThat(rpids(p1.data().path("replies"))).containsExactlyElementsOf(rs.subList(0, 4));
        JsonNode p2 = http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).param("root", root)
                .param("ps", 4).param("pn", 2).send().data();
        assertThat(rpids(p2.path("replies"))).containsExactly(rs.get(4), deep);
        JsonNode deepItem = p2.path("replies").get(1);
        assertThat(deepItem.path("parent").asLong()).isEqualTo(rs.get(1));
        assertThat(deepItem.path("dialog").asLong()).isEqualTo(rs.get(1));
        assertThat(deepItem.path("content").path("members").get(0).path("uname").asText()).isEqualTo("uploader_up");
        assertThat(deepItem.path("content").path("members").get(0).path("mid").asText())
                .isEqualTo(Long.toString(uploader.user().mid()));
        // floors: one counter for the whole subject
        assertThat(deepItem.path("floor").asInt()).isEqualTo(8);

        Answer notRoot = http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).param("root", deep).send();
        assertThat(notRoot.code()).isEqualTo(-400);
        Answer missing = http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).param("root", 1).send();
        assertThat(missing.code()).isEqualTo(-404);
    }

    @Test
    void sortsAndPaging() {
        long oid = stack.video(uploader, "sorts");
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            roots.add(post(alice, oid, "root " + i));
        }
        // likes: root 3 gets two, root 7 one
        like(bob, oid, roots.get(3), 1);
        like(uploader, oid, roots.get(3), 1);
        like(bob, oid, roots.get(7), 1);
        reply(bob, oid, roots.get(10), 0, "only reply");

        JsonNode p1 = list(oid, Map.of("ps", 20), null).data();
        assertThat(rpids(p1.path("replies"))).containsExactlyElementsOf(roots.reversed().subList(0, 20));
        JsonNode p2 = list(oid, Map.of("ps", 20, "pn", 2), null).data();
        assertThat(rpids(p2.path("replies"))).containsExactlyElementsOf(roots.reversed().subList(20, 25));
        assertThat(list(oid, Map.of("pn", 3), null).data().path("replies").size()).isZero();

        List<Long> byLikes = rpids(list(oid, Map.of("sort", 1, "ps", 3), null).data().path("replies"));
        assertThat(byLikes).containsExactly(roots.get(3), roots.get(7), roots.get(24));
        assertThat(rpids(list(oid, Map.of("sort", 2, "ps", 1), null).data().path("replies")))
                .containsExactly(roots.get(10));
        assertThat(rpids(list(oid, Map.of("sort", 3, "ps", 1), null).data().path("replies")).getFirst())
                .isEqualTo(roots.get(3));

        // cursor mode, time order: pages follow one another, then the end
        Answer c1 = http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("mode", 2).param("ps", 10)
                .send();
        assertThat(c1.code()).as(c1.toString()).isZero();
        JsonNode cur = c1.data().path("cursor");
        assertThat(cur.path("is_begin").asBoolean()).isTrue();
        assertThat(cur.path("is_end").asBoolean()).isFalse();
        assertThat(cur.path("mode").asInt()).isEqualTo(2);
        assertThat(cur.path("all_count").asInt()).isEqualTo(26);
        List<Long> seen = new ArrayList<>(rpids(c1.data().path("replies")));
        long next = cur.path("next").asLong();
        boolean end = false;
        for (int guard = 0; guard < 5 && !end; guard++) {
            Answer c = http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("mode", 2)
                    .param("ps", 10).param("next", next).send();
            assertThat(c.data().path("cursor").path("is_begin").asBoolean()).isFalse();
            seen.addAll(rpids(c.data().path("replies")));
            end = c.data().path("cursor").path("is_end").asBoolean();
            next = c.data().path("cursor").path("next").asLong();
        }
        assertThat(end).isTrue();
        assertThat(seen).containsExactlyElementsOf(roots.reversed());
        // hot mode is the default
        Answer hot = http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("ps", 1).send();
        assertThat(hot.data().path("cursor").path("mode").asInt()).isEqualTo(3);
        assertThat(rpids(hot.data().path("replies"))).containsExactly(roots.get(3));
    }

    private void like(LoginResult who, long oid, long rpid, int action) {
        Answer a = http.post("/x/v2/reply/action").bearer(who.token()).param("type", 1).param("oid", oid)
                .param("rpid", rpid).param("action", action).send();
        assertThat(a.code()).as(a.toString()).isZero();
    }

    @Test
    void likesOncePerUserAndTheReaderSeesTheirs() {
        long oid = stack.video(uploader, "likes");
        long rpid = post(alice, oid, "like me");
        like(bob, oid, rpid, 1);
        like(bob, oid, rpid, 1); // again: still one
        like(uploader, oid, rpid, 1);
        JsonNode asBob = list(oid, Map.of(), bob).data().path("replies").get(0);
        assertThat(asBob.path("like").asInt()).isEqualTo(2);
        assertThat(asBob.path("action").asInt()).isEqualTo(1);
        assertThat(list(oid, Map.of(), alice).data().path("replies").get(0).path("action").asInt()).isZero();
        assertThat(list(oid, Map.of(), null).data().path("replies").get(0).path("action").asInt()).isZero();

        like(bob, oid, rpid, 0);
        Answer hate = http.post("/x/v2/reply/hate").bearer(alice.token()).param("type", 1).param("oid", oid)
                .param("rpid", rpid).param("action", 1).send();
        assertThat(hate.code()).as(hate.toString()).isZero();
        JsonNode after = list(oid, Map.of(), alice).data().path("replies").get(0);
        assertThat(after.path("like").asInt()).isEqualTo(1);
        assertThat(after.path("action").asInt()).isEqualTo(2);
    }

    @Test
    void deleteByAuthorOwnerOrAdminAndCountsFollow() {
        long oid = stack.video(uploader, "deletes");
        long root = post(alice, oid, "root with replies");
        reply(bob, oid, root, root, "r1");
        long r2 = reply(bob, oid, root, root, "r2");
        long other = post(bob, oid, "bob's root");
        long third = post(bob, oid, "bob's second root");
        assertThat(list(oid, Map.of(), null).data().path("page").path("acount").asInt()).isEqualTo(5);

        Answer stranger = http.post("/x/v2/reply/del").bearer(alice.token()).param("type", 1).param("oid", oid)
                .param("rpid", r2).send();
        assertThat(stranger.code()).isEqualTo(-403);
        assertThat(del(bob, oid, r2).code()).isZero(); // author
        assertThat(del(bob, oid, r2).code()).isEqualTo(12022);
        JsonNode data = list(oid, Map.of(), null).data();
        assertThat(data.path("page").path("acount").asInt()).isEqualTo(4);
        JsonNode rootItem = data.path("replies").get(2);
        assertThat(rootItem.path("rpid").asLong()).isEqualTo(root);
        assertThat(rootItem.path("rcount").asInt()).isEqualTo(1);

        assertThat(del(uploader, oid, root).code()).isZero(); // the video's owner
        data = list(oid, Map.of(), null).data();
        assertThat(rpids(data.path("replies"))).containsExactly(third, other);
        assertThat(data.path("page").path("count").asInt()).isEqualTo(2);
        assertThat(data.path("page").path("acount").asInt()).isEqualTo(2);
        Answer gone = http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).param("root", root).send();
        assertThat(gone.code()).isEqualTo(-404);

        assertThat(del(admin, oid, other).code()).isZero(); // an admin
        assertThat(rpids(list(oid, Map.of(), null).data().path("replies"))).containsExactly(third);
        assertThat(del(alice, oid, 123_456).code()).isEqualTo(-404);
    }

    private Answer del(LoginResult who, long oid, long rpid) {
        return http.post("/x/v2/reply/del").bearer(who.token()).param("type", 1).param("oid", oid)
                .param("rpid", rpid).send();
    }

    @Test
    void pinShowsTheRootAsUpperTopOnly() {
        long oid = stack.video(uploader, "pins");
        long a = post(alice, oid, "pin me");
        long b = post(bob, oid, "newer");
        Answer notOwner = http.post("/x/v2/reply/top").bearer(alice.token()).param("type", 1).param("oid", oid)
                .param("rpid", a).param("action", 1).send();
        assertThat(notOwner.code()).isEqualTo(-403);
        Answer pin = http.post("/x/v2/reply/top").bearer(uploader.token()).param("type", 1).param("oid", oid)
                .param("rpid", a).param("action", 1).send();
        assertThat(pin.code()).as(pin.toString()).isZero();
        JsonNode data = list(oid, Map.of(), null).data();
        assertThat(data.path("upper").path("top").path("rpid").asLong()).isEqualTo(a);
        assertThat(data.path("upper").path("top").path("member").path("uname").asText()).isEqualTo("alice_c");
        assertThat(rpids(data.path("replies"))).containsExactly(b);
        assertThat(data.path("page").path("count").asInt()).isEqualTo(2);
        JsonNode main = http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("mode", 2).send().data();
        assertThat(main.path("upper").path("top").path("rpid").asLong()).isEqualTo(a);

        Answer unpin = http.post("/x/v2/reply/top").bearer(admin.token()).param("type", 1).param("oid", oid)
                .param("rpid", a).param("action", 0).send();
        assertThat(unpin.code()).isZero();
        data = list(oid, Map.of(), null).data();
        assertThat(data.path("upper").path("top").isNull()).isTrue();
        assertThat(rpids(data.path("replies"))).containsExactly(b, a);
    }

    @Test
    void closedCommentsRefusePostsUntilReopened() {
        long oid = stack.video(uploader, "closing");
        post(alice, oid, "before");
        Answer notOwner = http.post("/x/v2/reply/subject/close").bearer(alice.token()).param("type", 1)
                .param("oid", oid).param("action", 1).send();
        assertThat(notOwner.code()).isEqualTo(-403);
        Answer close = http.post("/x/v2/reply/subject/close").bearer(uploader.token()).param("type", 1)
                .param("oid", oid).param("action", 1).send();
        assertThat(close.code()).as(close.toString()).isZero();
        int before = events.size();
        assertThat(add(bob, oid, "after").send().code()).isEqualTo(12002);
        assertThat(events.size()).isEqualTo(before);
        JsonNode data = list(oid, Map.of(), null).data();
        assertThat(data.path("config").path("read_only").asBoolean()).isTrue();
        assertThat(data.path("replies").size()).isEqualTo(1);
        http.post("/x/v2/reply/subject/close").bearer(uploader.token()).param("type", 1).param("oid", oid)
                .param("action", 0).send();
        assertThat(add(bob, oid, "after").send().code()).isZero();

        // closing a video nobody commented on yet works too
        long quiet = stack.video(uploader, "closed before any comment");
        assertThat(http.post("/x/v2/reply/subject/close").bearer(uploader.token()).param("type", 1)
                .param("oid", quiet).param("action", 1).send().code()).isZero();
        assertThat(add(bob, quiet, "hi").send().code()).isEqualTo(12002);
    }

    @Test
    void cookieAuthNeedsCsrfAndAnonymousWritesAreRefused() {
        long oid = stack.video(uploader, "auth");
        int before = events.size();
        Answer anonymous = http.post("/x/v2/reply/add").param("type", 1).param("oid", oid).param("message", "x")
                .send();
        assertThat(anonymous.code()).isEqualTo(-101);
        Answer noCsrf = http.post("/x/v2/reply/add").cookie("SESSDATA", alice.token()).cookie("bili_jct", alice.csrf())
                .param("type", 1).param("oid", oid).param("message", "x").send();
        assertThat(noCsrf.code()).isEqualTo(-111);
        assertThat(events.size()).isEqualTo(before);
        Answer ok = http.post("/x/v2/reply/add").cookie("SESSDATA", alice.token()).cookie("bili_jct", alice.csrf())
                .param("csrf", alice.csrf()).param("type", 1).param("oid", oid).param("message", "by cookie").send();
        assertThat(ok.code()).as(ok.toString()).isZero();
        // JSON bodies work as well
        Answer json = http.post("/x/v2/reply/add").bearer(bob.token())
                .json("{\"type\":1,\"oid\":" + oid + ",\"message\":\"  by json  \"}").send();
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(json.data().path("reply").path("content").path("message").asText()).isEqualTo("  by json  ");
    }

    @Test
    void everyBadInputGetsItsCodeAndPublishesNothing() {
        long oid = stack.video(uploader, "bad inputs");
        long root = post(alice, oid, "a root");
        long r1 = reply(bob, oid, root, 0, "a reply");
        long otherVideo = stack.video(uploader, "elsewhere");
        long elsewhere = post(alice, otherVideo, "root elsewhere");
        long deletedRoot = post(alice, oid, "to be deleted");
        assertThat(del(alice, oid, deletedRoot).code()).isZero();
        int before = events.size();

        Map<String, Map.Entry<Integer, UnaryOperator<HttpTestClient.Call>>> cases = new LinkedHashMap<>();
        cases.put("message missing", Map.entry(-400, c -> c.param("message", "")));
        cases.put("message blank", Map.entry(-400, c -> c.param("message", "   ")));
        cases.put("message too long", Map.entry(12025, c -> c.param("message", "长".repeat(1001))));
        cases.put("sensitive", Map.entry(12016, c -> c.param("message", "cheap 广告 here")));
        cases.put("sensitive upper case", Map.entry(12016, c -> c.param("message", "BadWord")));
        cases.put("oid missing", Map.entry(-400, c -> c.param("oid", "")));
        cases.put("oid zero", Map.entry(-400, c -> c.param("oid", 0)));
        cases.put("oid not a number", Map.entry(-400, c -> c.param("oid", "av1")));
        cases.put("type missing", Map.entry(-400, c -> c.param("type", "")));
        cases.put("type not hosted", Map.entry(-404, c -> c.param("type", 17)));
        cases.put("unknown video", Map.entry(-404, c -> c.param("oid", 987_654_321)));
        cases.put("root unknown", Map.entry(-404, c -> c.param("root", 5)));
        cases.put("root negative", Map.entry(-400, c -> c.param("root", -5)));
        cases.put("parent without root", Map.entry(-400, c -> c.param("parent", root)));
        cases.put("root is a reply", Map.entry(-400, c -> c.param("root", r1)));
        cases.put("root of another video", Map.entry(-404, c -> c.param("root", elsewhere)));
        cases.put("root deleted", Map.entry(12022, c -> c.param("root", deletedRoot)));
        cases.put("parent unknown", Map.entry(-404, c -> c.param("root", root).param("parent", 7)));
        cases.put("plat bad", Map.entry(-400, c -> c.param("plat", "web")));
        for (var e : cases.entrySet()) {
            Answer a = e.getValue().getValue().apply(add(bob, oid, "a fine message")).send();
            assertThat(a.code()).as(e.getKey() + ": " + a).isEqualTo(e.getValue().getKey());
            assertThat(a.status()).isEqualTo(200);
        }
        assertThat(http.post("/x/v2/reply/add").bearer(bob.token()).json("{broken").send().code()).isEqualTo(-400);

        // other writes
        record Bad(String path, int code, Map<String, Object> params) {
        }
        List<Bad> bad = List.of(
                new Bad("/x/v2/reply/action", -400, Map.of("type", 1, "oid", oid, "rpid", root, "action", 2)),
                new Bad("/x/v2/reply/action", -400, Map.of("type", 1, "oid", oid, "action", 1)),
                new Bad("/x/v2/reply/action", -404, Map.of("type", 1, "oid", oid, "rpid", 99, "action", 1)),
                new Bad("/x/v2/reply/action", -404, Map.of("type", 1, "oid", oid, "rpid", deletedRoot, "action", 1)),
                new Bad("/x/v2/reply/action", -404, Map.of("type", 1, "oid", oid, "rpid", elsewhere, "action", 1)),
                new Bad("/x/v2/reply/hate", -400, Map.of("type", 1, "oid", oid, "rpid", root, "action", -1)),
                new Bad("/x/v2/reply/del", -400, Map.of("type", 1, "oid", oid)),
                new Bad("/x/v2/reply/del", -403, Map.of("type", 1, "oid", oid, "rpid", root)),
                new Bad("/x/v2/reply/del", 12022, Map.of("type", 1, "oid", oid, "rpid", deletedRoot)),
                new Bad("/x/v2/reply/top", -403, Map.of("type", 1, "oid", oid, "rpid", root, "action", 1)),
                new Bad("/x/v2/reply/top", -400, Map.of("type", 1, "oid", oid, "rpid", root, "action", 3)),
                new Bad("/x/v2/reply/subject/close", -403, Map.of("type", 1, "oid", oid, "action", 1)),
                new Bad("/x/v2/reply/subject/close", -404, Map.of("type", 1, "oid", 987_654_321, "action", 1)));
        for (Bad b : bad) {
            HttpTestClient.Call c = http.post(b.path()).bearer(bob.token());
            b.params().forEach(c::param);
            Answer a = c.send();
            assertThat(a.code()).as(b + ": " + a).isEqualTo(b.code());
        }
        Answer uploaderPinsReply = http.post("/x/v2/reply/top").bearer(uploader.token()).param("type", 1)
                .param("oid", oid).param("rpid", r1).param("action", 1).send();
        assertThat(uploaderPinsReply.code()).isEqualTo(-400);

        // reads
        for (UnaryOperator<HttpTestClient.Call> c : List.<UnaryOperator<HttpTestClient.Call>>of(
                x -> x.param("pn", 0), x -> x.param("ps", 21), x -> x.param("ps", 0), x -> x.param("sort", 4),
                x -> x.param("sort", "hot"), x -> x.param("oid", -1), x -> x.param("pn", 10_001))) {
            Answer a = c.apply(http.get("/x/v2/reply").param("type", 1).param("oid", oid)).send();
            assertThat(a.code()).as(a.toString()).isEqualTo(-400);
        }
        assertThat(http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("mode", 4).send().code())
                .isEqualTo(-400);
        assertThat(http.get("/x/v2/reply/main").param("type", 1).param("oid", oid).param("next", -1).send().code())
                .isEqualTo(-400);
        assertThat(http.get("/x/v2/reply/reply").param("type", 1).param("oid", oid).send().code()).isEqualTo(-400);

        assertThat(events.size()).as("nothing published").isEqualTo(before);
    }

    @Test
    void rateLimitAndDuplicateWindow() throws Exception {
        try (CommentTestStackScope scope = new CommentTestStackScope()) {
            long oid = scope.stack.video(scope.writer, "limits");
            HttpTestClient h = HttpTestClient.local(scope.stack.httpPort());
            java.util.function.Function<String, Answer> send = m -> h.post("/x/v2/reply/add")
                    .bearer(scope.writer.token()).param("type", 1).param("oid", oid).param("message", m).send();
            assertThat(send.apply("same text").code()).isZero();
            assertThat(send.apply("same text").code()).isEqualTo(12051);
            assertThat(send.apply("other text").code()).isZero();
            assertThat(send.apply("third text").code()).isEqualTo(-509);
            assertThat(scope.events.size()).isEqualTo(2);

            // the video's quota is over all users: the writer's three posts (the duplicate included: it passed the
            // budgets) took 3 of its 5; the writer's refused fourth took none
            LoginResult second = scope.stack.user("writer_l2");
            java.util.function.BiFunction<Long, String, Answer> send2 = (video, m) -> h.post("/x/v2/reply/add")
                    .bearer(second.token()).param("type", 1).param("oid", video).param("message", m).send();
            long other = scope.stack.video(scope.writer, "limits, another video");
            assertThat(send2.apply(other, "another video has its own quota").code()).isZero();
            assertThat(send2.apply(oid, "second writer 1").code()).isZero();
            assertThat(send2.apply(oid, "second writer 2").code()).isZero();
            // the second writer's third post: within their own budget (3), over the video's (5)
            Answer flooded = send2.apply(oid, "second writer 3");
            assertThat(flooded.code()).as(flooded.toString()).isEqualTo(-509);
            assertThat(scope.events.size()).isEqualTo(5);
        }
    }

    /**
     * A second stack (own databases and Redis db) with tight limits: 3 posts per user per 10 s, 5 per video at once
     * (then one per 100 s).
     */
    private final class CommentTestStackScope implements AutoCloseable {
        final SyncEvents events = new SyncEvents();
        final CommentTestStack stack;
        final LoginResult writer;

        CommentTestStackScope() throws Exception {
            stack = CommentTestStack.start(dev.plaza.engines.EnginesExtension.endpoints(), "cmt_limits_it", 7,
                    new CommentTestStack.Limits(3, 3, Duration.ofSeconds(10), Duration.ofSeconds(60), 0.01, 5),
                    s -> events);
            events.job = stack.job();
            writer = stack.user("writer_l");
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    @Test
    void mentionsResolveToMembers() {
        long oid = stack.video(uploader, "mentions");
        // bob is in the comment system's name index once a comment of his was shown (the answer to his post);
        // the uploader is looked up as the thread's owner; unknown names stay plain text
        post(bob, oid, "hello");
        Answer a = add(alice, oid, "@bob_c @uploader_up @nobody_here hi").send();
        assertThat(a.code()).as(a.toString()).isZero();
        JsonNode members = a.data().path("reply").path("content").path("members");
        assertThat(members.size()).isEqualTo(2);
        assertThat(members.get(0).path("uname").asText()).isEqualTo("bob_c");
        assertThat(members.get(1).path("uname").asText()).isEqualTo("uploader_up");
        assertThat(events.published.getLast().event().getPost().getAtMidsList())
                .containsExactly(bob.user().mid(), uploader.user().mid());
    }

    @Test
    void mentionsResolveUsersTheCommentSystemHasNeverSeen() {
        long oid = stack.video(uploader, "mentions of strangers");
        stack.user("Quiet_Carol"); // registered, never posted, never shown: not in the name index
        Answer a = add(alice, oid, "thanks @quiet_carol").send();
        assertThat(a.code()).as(a.toString()).isZero();
        JsonNode members = a.data().path("reply").path("content").path("members");
        assertThat(members.size()).as(a.toString()).isEqualTo(1);
        assertThat(members.get(0).path("uname").asText()).isEqualTo("Quiet_Carol");
        assertThat(a.data().path("reply").path("content").path("message").asText()).isEqualTo("thanks @quiet_carol");
    }

    @Test
    void aHundredConcurrentReadersOnAColdSubjectCauseExactlyOneRebuild() throws Exception {
        long oid = stack.video(uploader, "cold");
        SubjectKey key = new SubjectKey(1, oid);
        List<Long> roots = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            roots.add(post(i % 2 == 0 ? alice : bob, oid, "cold root " + i));
        }
        // cold: no index, no entries, no subject in Redis (posts only append to indexes that exist)
        var redis = stack.redis().sync();
        for (int s = 0; s < 4; s++) {
            assertThat(redis.exists(RedisCommentCache.rootIndexKey(key, dev.plaza.comment.biz.Sort.of(s)))).isZero();
        }
        for (long r : roots) {
            redis.del(RedisCommentCache.replyKey(r));
        }
        redis.del(RedisCommentCache.subjectKey(key));
        events.apply = false; // record the rebuild requests only: the index stays cold for every reader
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(100)) {
                for (int i = 0; i < 100; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return http.get("/x/v2/reply").param("type", 1).param("oid", oid).send();
                    }));
                }
                go.countDown();
                for (Future<Answer> f : answers) {
                    Answer a = f.get();
                    assertThat(a.code()).as(a.toString()).isZero();
                    assertThat(rpids(a.data().path("replies"))).containsExactlyElementsOf(
                            roots.reversed().subList(0, 20));
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !events.of(key, CommentEvent.EventCase.REBUILD)
                    .isEmpty());
            Thread.sleep(500); // a second one would have come by now
            List<CommentEvent> rebuilds = events.of(key, CommentEvent.EventCase.REBUILD);
            assertThat(rebuilds).hasSize(1);
            assertThat(rebuilds.getFirst().getRebuild().getSort()).isZero();
            assertThat(rebuilds.getFirst().getRebuild().getRoot()).isZero();
        } finally {
            events.apply = true;
        }
        // the job rebuilds it; later readers are served from the index
        events.job.apply(events.of(key, CommentEvent.EventCase.REBUILD).getFirst());
        assertThat(redis.exists(RedisCommentCache.rootIndexKey(key, dev.plaza.comment.biz.Sort.TIME))).isOne();
        long tableReads = stack.reads().stats().tablePageReads();
        assertThat(rpids(list(oid, Map.of("pn", 2), null).data().path("replies")))
                .containsExactlyElementsOf(roots.reversed().subList(20, 30));
        assertThat(stack.reads().stats().tablePageReads()).isEqualTo(tableReads);
    }

    @Test
    void grpcCarriesTheCodesAndReasons() {
        long oid = stack.video(uploader, "grpc");
        try {
            stack.commentStub().post(PostRequest.newBuilder().setType(1).setOid(oid).setMid(alice.user().mid())
                    .setMessage("x".repeat(1001)).build());
            throw new AssertionError("expected a failure");
        } catch (StatusRuntimeException e) {
            PlazaError err = GrpcErrors.fromThrowable(e);
            assertThat(err.code()).isEqualTo(12025);
            assertThat(err.reason()).isEqualTo("MESSAGE_TOO_LONG");
            assertThat(err.domain()).isEqualTo("comment.plaza");
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        try {
            stack.commentStub().listRoots(ListRootsRequest.newBuilder().setType(1).setOid(oid).setSort(9).build());
            throw new AssertionError("expected a failure");
        } catch (StatusRuntimeException e) {
            assertThat(GrpcErrors.fromThrowable(e).code()).isEqualTo(-400);
        }
        var reply = stack.commentStub().listRoots(ListRootsRequest.newBuilder().setType(1).setOid(oid).build());
        assertThat(reply.getSubject().getOwnerMid()).isEqualTo(uploader.user().mid());
        assertThat(reply.getRepliesCount()).isZero();
    }
}
