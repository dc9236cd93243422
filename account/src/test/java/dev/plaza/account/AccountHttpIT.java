package dev.plaza.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The passport's HTTP API end to end: edge, gRPC authenticator, MariaDB and Redis all real. */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountHttpIT {
    private AccountTestStack stack;
    private HttpTestClient http;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        stack = AccountTestStack.start(endpoints, "acct_http_it");
        http = HttpTestClient.local(stack.httpPort());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private Answer register(String username, String password) {
        return http.post("/x/passport/register").param("username", username).param("password", password).send();
    }

    private Answer login(String username, String password) {
        return http.post("/x/passport/login").param("username", username).param("password", password).send();
    }

    @Test
    void registerLoginNavLogout() {
        Answer reg = register("alice_1", "wonderland9");
        assertThat(reg.code()).as(reg.toString()).isZero();
        long mid = reg.data().path("mid").asLong();
        assertThat(mid).isPositive();

        Answer login = login("alice_1", "wonderland9");
        assertThat(login.code()).as(login.toString()).isZero();
        String token = login.data().path("token").asText();
        assertThat(token).hasSizeGreaterThan(30);
        assertThat(login.cookie("SESSDATA")).isEqualTo(token);
        assertThat(login.cookie("bili_jct")).isEqualTo(login.data().path("csrf").asText()).hasSize(32);
        assertThat(login.setCookies()).anySatisfy(c -> assertThat(c).startsWith("SESSDATA=").contains("HttpOnly"));

        Answer nav = http.get("/x/web-interface/nav").bearer(token).send();
        assertThat(nav.code()).isZero();
        assertThat(nav.data().path("isLogin").asBoolean()).isTrue();
        assertThat(nav.data().path("mid").asLong()).isEqualTo(mid);
        assertThat(nav.data().path("uname").asText()).isEqualTo("alice_1");

        Answer navByCookie = http.get("/x/web-interface/nav").cookie("SESSDATA", token).send();
        assertThat(navByCookie.data().path("mid").asLong()).isEqualTo(mid);

        Answer logout = http.post("/x/passport/logout").bearer(token).send();
        assertThat(logout.code()).isZero();
        Answer after = http.get("/x/web-interface/nav").bearer(token).send();
        assertThat(after.code()).isEqualTo(-101);
        assertThat(after.data().path("isLogin").asBoolean()).isFalse();
    }

    @Test
    void anonymousNavIsMinus101WithIsLoginFalse() {
        Answer nav = http.get("/x/web-interface/nav").send();
        assertThat(nav.status()).isEqualTo(200);
        assertThat(nav.code()).isEqualTo(-101);
        assertThat(nav.json().path("ttl").asInt()).isEqualTo(1);
        assertThat(nav.data().path("isLogin").asBoolean()).isFalse();
    }

    @Test
    void badTokenIsAnonymous() {
        assertThat(http.get("/x/web-interface/nav").bearer("not-a-real-token").send().code()).isEqualTo(-101);
        assertThat(http.post("/x/passport/logout").bearer("not-a-real-token").send().code()).isEqualTo(-101);
        assertThat(http.post("/x/passport/logout").bearer("x".repeat(5000)).send().code()).isEqualTo(-101);
    }

    @Test
    void badRegistrationsAreRejectedAndStoreNothing() {
        long before = stack.server().usecase().userCount();
        assertThat(register("ab", "goodpass123").code()).isEqualTo(-400);                 // too short
        assertThat(register("a".repeat(33), "goodpass123").code()).isEqualTo(-400);       // too long
        assertThat(register("bad name!", "goodpass123").code()).isEqualTo(-400);          // characters
        assertThat(register("bob_weak", "short1").code()).isEqualTo(-400);                // password too short
        assertThat(register("bob_weak", "onlyletters").code()).isEqualTo(-400);           // no digit
        assertThat(register("bob_weak", "bob_weak123").code()).isEqualTo(-400);           // contains username
        assertThat(register("bob_weak", "p".repeat(200) + "1").code()).isEqualTo(-400);   // oversized
        assertThat(http.post("/x/passport/register").param("username", "bob_weak").send().code()).isEqualTo(-400);
        assertThat(http.post("/x/passport/register").json("[1,2]").send().code()).isEqualTo(-400);
        assertThat(http.post("/x/passport/register").json("{not json").send().code()).isEqualTo(-400);
        assertThat(stack.server().usecase().userCount()).isEqualTo(before);

        assertThat(register("carol_1", "carolpass1").code()).isZero();
        Answer dup = register("CAROL_1", "otherpass2");
        assertThat(dup.code()).isEqualTo(61001);
        assertThat(stack.server().usecase().userCount()).isEqualTo(before + 1);
    }

    @Test
    void jsonBodiesWorkLikeForms() {
        Answer reg = http.post("/x/passport/register").json("{\"username\":\"json_user\",\"password\":\"jsonpass1\"}").send();
        assertThat(reg.code()).as(reg.toString()).isZero();
        Answer login = http.post("/x/passport/login").json("{\"username\":\"json_user\",\"password\":\"jsonpass1\"}").send();
        assertThat(login.code()).isZero();
    }

    @Test
    void wrongPasswordAndUnknownUserShareOneCodeAndThrottleKicksIn() {
        assertThat(register("dave_1", "davepass1").code()).isZero();
        assertThat(login("dave_1", "wrongpass1").code()).isEqualTo(-629);
        assertThat(login("nobody_here", "whatever1").code()).isEqualTo(-629);
        for (int i = 0; i < 4; i++) {
            assertThat(login("dave_1", "wrongpass1").code()).isEqualTo(-629);
        }
        // five failures for this user: even the right password is refused until the window passes
        Answer throttled = login("dave_1", "davepass1");
        assertThat(throttled.code()).isEqualTo(-412);
    }

    @Test
    void cookieWritesNeedCsrf() {
        assertThat(register("erin_1", "erinpass1").code()).isZero();
        Answer login = login("erin_1", "erinpass1");
        String token = login.data().path("token").asText();
        String csrf = login.data().path("csrf").asText();

        Answer noCsrf = http.post("/x/passport/logout").cookie("SESSDATA", token).cookie("bili_jct", csrf).send();
        assertThat(noCsrf.code()).isEqualTo(-111);
        Answer wrongCsrf = http.post("/x/passport/logout").cookie("SESSDATA", token).cookie("bili_jct", csrf)
                .param("csrf", "0".repeat(32)).send();
        assertThat(wrongCsrf.code()).isEqualTo(-111);
        Answer forgedPair = http.post("/x/passport/logout").cookie("SESSDATA", token).cookie("bili_jct", "f".repeat(32))
                .param("csrf", "f".repeat(32)).send();
        assertThat(forgedPair.code()).isEqualTo(-111);
        // nothing changed: the session still works
        assertThat(http.get("/x/web-interface/nav").bearer(token).send().code()).isZero();

        Answer ok = http.post("/x/passport/logout").cookie("SESSDATA", token).cookie("bili_jct", csrf)
                .param("csrf", csrf).send();
        assertThat(ok.code()).isZero();
        assertThat(http.get("/x/web-interface/nav").bearer(token).send().code()).isEqualTo(-101);
    }

    @Test
    void profileByMid() {
        long mid = register("frank_1", "frankpass1").data().path("mid").asLong();
        Answer info = http.get("/x/space/acc/info").param("mid", mid).send();
        assertThat(info.code()).isZero();
        assertThat(info.data().path("name").asText()).isEqualTo("frank_1");
        assertThat(info.data().has("password_hash")).isFalse();
        assertThat(http.get("/x/space/acc/info").param("mid", 999_999_999).send().code()).isEqualTo(-404);
        assertThat(http.get("/x/space/acc/info").param("mid", "abc").send().code()).isEqualTo(-400);
        assertThat(http.get("/x/space/acc/info").send().code()).isEqualTo(-400);
        assertThat(http.get("/x/space/acc/info").param("mid", -5).send().code()).isEqualTo(-400);
    }

    @Test
    void adminRole() {
        long userMid = register("gina_1", "ginapass1").data().path("mid").asLong();
        String userToken = login("gina_1", "ginapass1").data().path("token").asText();
        Answer denied = http.post("/x/admin/account/role").bearer(userToken).param("mid", userMid).param("admin", 1).send();
        assertThat(denied.code()).isEqualTo(-403);

        stack.server().usecase().register("root_admin", "rootpass1", true);
        String adminToken = login("root_admin", "rootpass1").data().path("token").asText();
        Answer granted = http.post("/x/admin/account/role").bearer(adminToken).param("mid", userMid).param("admin", 1).send();
        assertThat(granted.code()).as(granted.toString()).isZero();
        assertThat(http.get("/x/web-interface/nav").bearer(userToken).send().data().path("is_admin").asBoolean()).isTrue();
        assertThat(http.post("/x/admin/account/role").bearer(adminToken).param("mid", 987_654_321).send().code())
                .isEqualTo(-404);
    }

    @Test
    void unknownRouteAndMetrics() {
        Answer missing = http.get("/x/no/such/thing").send();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo(-404);
        http.get("/x/web-interface/nav").send();
        Answer metrics = http.get("/metrics").send();
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests").contains("route=\"/x/web-interface/nav\"");
        assertThat(http.get("/health/ready").send().status()).isEqualTo(200);
        assertThat(http.get("/health/live").send().status()).isEqualTo(200);
    }
}
