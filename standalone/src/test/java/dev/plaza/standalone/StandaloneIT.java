package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.Engines;
import dev.plaza.im.protocol.Compression;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.Packets;
import dev.plaza.kit.config.ConfigException;
import dev.plaza.kit.config.ConfigLoader;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one process as {@code ./plaza up} runs it: real embedded engines under a data folder, every role, the
 * HTTP edge; then a second start on the same data folder still has what the first one stored.
 */
class StandaloneIT {
    @TempDir
    Path home;

    private Standalone start(String... extraSets) throws Exception {
        return start(Optional.empty(), extraSets);
    }

    private Standalone start(Optional<Path> configFile, String... extraSets) throws Exception {
        return startIn(home, configFile, extraSets);
    }

    /** {@code ./plaza up} in this JVM on a data folder under {@code home}, light settings for tests. */
    static Standalone startIn(Path home, Optional<Path> configFile, String... extraSets) throws Exception {
        List<String> sets = new ArrayList<>(List.of(
                "http.port=0",
                "engines.dataDir=data",
                // ZooKeeper has no user yet; leaving it out keeps the machine lighter
                "engines.kinds=MARIADB,REDIS,KAFKA,OPENSEARCH",
                "account.bcryptCost=4",
                // small tables: the default 650 cost create time and nothing here needs them
                "comment.db.subjectTables=4",
                "comment.db.indexTables=8",
                "comment.db.contentTables=8",
                "comment.db.actionTables=8",
                "history.db.tables=4",
                "im.comet.tcpPort=0",
                "im.comet.wsPort=0",
                "im.logic.httpPort=0",
                "history.flushInterval=200ms",
                "log.level=WARN"));
        sets.addAll(List.of(extraSets));
        StandaloneConfig cfg = ConfigLoader.load(PlazaMain.DEFAULTS, configFile, Map.of(), sets)
                .bind(StandaloneConfig.class);
        Standalone plaza = new Standalone(cfg, home);
        plaza.start();
        return plaza;
    }

    @Test
    void servesTheProductAndKeepsDataAcrossRestarts() throws Exception {
        long mid;
        long aid;
        long rpid;
        Standalone first = start();
        try {
            HttpTestClient http = HttpTestClient.local(first.httpPort());
            assertThat(http.get("/health/ready").send().status()).isEqualTo(200);

            // the web front end: its pages and files, and the default face every profile points at
            Answer home = http.get("/").send();
            assertThat(home.status()).isEqualTo(200);
            assertThat(home.body()).contains("<title>Plaza");
            assertThat(home.headers().get("content-security-policy")).isNotEmpty();
            assertThat(http.get("/video/100001").send().body()).isEqualTo(home.body());
            Answer face = http.get("/static/face/default.svg").send();
            assertThat(face.status()).isEqualTo(200);
            assertThat(face.headers().get("content-type")).singleElement().asString().startsWith("image/svg+xml");

            // demo seed: three users and some videos on an empty install
            Answer demoLogin = http.post("/x/passport/login").param("username", "alice")
                    .param("password", "plaza-demo-2026").send();
            assertThat(demoLogin.code()).as(demoLogin.toString()).isZero();
            assertThat(http.get("/x/archive/list").send().data().path("page").path("count").asInt()).isPositive();

            Answer reg = http.post("/x/passport/register").param("username", "neo").param("password", "rabbit1234").send();
            assertThat(reg.code()).as(reg.toString()).isZero();
            mid = reg.data().path("mid").asLong();
            String token = http.post("/x/passport/login").param("username", "neo").param("password", "rabbit1234")
                    .send().data().path("token").asText();
            assertThat(http.get("/x/web-interface/nav").bearer(token).send().data().path("uname").asText()).isEqualTo("neo");

            Answer add = http.post("/x/archive/add").bearer(token).param("title", "Hello Plaza")
                    .param("duration", 42).param("media_url", "https://media.example/v.mp4").send();
            assertThat(add.code()).as(add.toString()).isZero();
            aid = add.data().path("aid").asLong();
            Answer view = http.get("/x/web-interface/view").param("aid", aid).send();
            assertThat(view.data().path("owner").path("name").asText()).isEqualTo("neo");
            assertThat(view.data().path("cid").asLong()).isEqualTo(add.data().path("cid").asLong());

            // comments: the new video's comment area opens through archive-events -> comment job; a post is visible
            // to everyone once the job applied it; an admin finds it through the binlog-fed search
            String adminToken = http.post("/x/passport/login").param("username", "admin")
                    .param("password", "plaza-demo-2026").send().data().path("token").asText();
            Answer post = http.post("/x/v2/reply/add").bearer(token).param("type", 1).param("oid", aid)
                    .param("message", "first comment on Plaza <b>as text</b>").send();
            assertThat(post.code()).as(post.toString()).isZero();
            rpid = post.data().path("rpid").asLong();
            long posted = rpid;
            long videoAid = aid;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Answer list = http.get("/x/v2/reply").param("type", 1).param("oid", videoAid).send();
                assertThat(list.data().path("page").path("count").asInt()).as(list.toString()).isEqualTo(1);
                assertThat(list.data().path("replies").path(0).path("rpid").asLong()).isEqualTo(posted);
                assertThat(list.data().path("replies").path(0).path("content").path("message").asText())
                        .isEqualTo("first comment on Plaza <b>as text</b>");
            });
            Answer like = http.post("/x/v2/reply/action").bearer(adminToken).param("type", 1).param("oid", aid)
                    .param("rpid", rpid).param("action", 1).send();
            assertThat(like.code()).as(like.toString()).isZero();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(http.get("/x/v2/reply")
                    .param("type", 1).param("oid", videoAid).send().data().path("replies").path(0).path("like")
                    .asInt()).isEqualTo(1));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Answer found = http.get("/x/admin/reply/search").bearer(adminToken).param("keyword", "Plaza")
                        .param("oid", videoAid).send();
                assertThat(found.code()).as(found.toString()).isZero();
                assertThat(found.data().path("replies").path(0).path("rpid").asLong()).isEqualTo(posted);
            });
            assertThat(http.get("/x/admin/reply/search").bearer(token).param("keyword", "Plaza").send().code())
                    .as("search is for admins only").isEqualTo(-403);

            // history: a player heartbeat lands at once (Redis) and reaches the store through the job
            Answer beat = http.post("/x/click-interface/web/heartbeat").bearer(token).param("aid", aid)
                    .param("played_time", 17).param("play_type", 0).send();
            assertThat(beat.code()).as(beat.toString()).isZero();
            Answer cursor = http.get("/x/web-interface/history/cursor").bearer(token).send();
            assertThat(cursor.data().path("list").path(0).path("title").asText()).as(cursor.toString())
                    .isEqualTo("Hello Plaza");
            assertThat(cursor.data().path("list").path(0).path("progress").asLong()).isEqualTo(17);
            assertThat(cursor.data().path("list").path(0).path("kid").asText()).isEqualTo("archive_" + aid);
            assertThat(cursor.data().path("list").path(0).path("author_name").asText()).isEqualTo("neo");
            assertThat(http.get("/x/v2/history/progress").bearer(token).param("aid", aid).send().data()
                    .path("last_play_time").asLong()).isEqualTo(17_000);
            assertThat(http.post("/x/click-interface/web/heartbeat").bearer(token).param("aid", 987_654_321)
                    .param("played_time", 1).send().code()).as("unknown video").isEqualTo(-404);
            assertThat(http.post("/x/click-interface/web/heartbeat").param("aid", aid).param("played_time", 1)
                    .send().code()).as("anonymous").isEqualTo(-101);
            long viewer = mid;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(first.history().store()
                    .list(viewer, 0, null, 10)).as("written by the job").hasSize(1));

            // im: a Bilibili live client joins the video's room on the comet; a push through logic's HTTP API
            // travels logic -> Kafka -> job -> comet and arrives as a zlib batch (protover 2)
            try (java.net.Socket live = new java.net.Socket("127.0.0.1", first.im().comet().tcpPort())) {
                live.setSoTimeout(20_000);
                var out = live.getOutputStream();
                var in = new java.io.DataInputStream(live.getInputStream());
                out.write(Packet.of(1, Op.AUTH, 1, "{\"uid\":" + mid + ",\"roomid\":" + aid
                        + ",\"protover\":2,\"platform\":\"web\",\"type\":2,\"key\":\"" + token + "\"}").toBytes());
                Packet auth = readPacket(in);
                assertThat(auth.op()).isEqualTo(Op.AUTH_REPLY);
                assertThat(auth.bodyText()).isEqualTo("{\"code\":0}");
                String danmaku = "{\"cmd\":\"DANMU_MSG\",\"info\":[[0,1,25,16777215],\"hello\",[" + mid + ",\"neo\"]]}";
                var push = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + first.im().logic().httpPort()
                                        + "/goim/push/room?operation=1000&type=live&room=" + aid))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(danmaku)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(push.body()).startsWith("{\"code\":0");
                Packet batch = readPacket(in);
                assertThat(batch.ver()).isEqualTo(2);
                List<Packet> inner = Packets.readAll(io.netty.buffer.Unpooled.wrappedBuffer(
                        Compression.unzlib(batch.body())), 1 << 20);
                assertThat(inner).extracting(Packet::bodyText).containsExactly(danmaku);
                assertThat(inner.getFirst().op()).isEqualTo(Op.SEND_MSG_REPLY);

                // a user's danmaku through the public edge reaches the room the same way, and newcomers can read it
                Answer sent = http.post("/msg/send").bearer(token).param("roomid", aid).param("msg", "hello plaza")
                        .send();
                assertThat(sent.code()).as(sent.toString()).isZero();
                Packet dm = readPacket(in);
                String text = Packets.readAll(io.netty.buffer.Unpooled.wrappedBuffer(Compression.unzlib(dm.body())),
                        1 << 20).getFirst().bodyText();
                assertThat(text).contains("\"cmd\":\"DANMU_MSG\"").contains("\"hello plaza\"");
                Answer recent = http.get("/xlive/web-room/v1/dM/gethistory").param("roomid", aid).send();
                assertThat(recent.data().path("room").path(0).path("text").asText()).isEqualTo("hello plaza");
                assertThat(recent.data().path("room").path(0).path("uid").asLong()).isEqualTo(mid);
                // the video's stat counts the comment (comment job) and the danmaku (logic) through archive-stat
                long counted = aid;
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode stat = http.get("/x/web-interface/view").param("aid", counted).send().data().path("stat");
                    assertThat(stat.path("reply").asLong()).as(stat.toString()).isEqualTo(1);
                    assertThat(stat.path("danmaku").asLong()).as(stat.toString()).isEqualTo(1);
                });

                // a private message from alice: stored, then pushed to neo's connection (logic -> Kafka -> job ->
                // comet) and counted in neo's sessions until neo acknowledges it
                String aliceToken = demoLogin.data().path("token").asText();
                long alice = demoLogin.data().path("mid").asLong();
                Answer pm = http.post("/web_im/v1/web_im/send_msg").bearer(aliceToken).param("msg[receiver_id]", mid)
                        .param("msg[receiver_type]", 1).param("msg[msg_type]", 1)
                        .param("msg[content]", "{\"content\":\"hi neo\"}").send();
                assertThat(pm.code()).as(pm.toString()).isZero();
                long msgKey = pm.data().path("msg_key").asLong();
                Packet pushed = readPacket(in);
                String pmBody = pushed.ver() == 2 ? Packets.readAll(io.netty.buffer.Unpooled.wrappedBuffer(
                        Compression.unzlib(pushed.body())), 1 << 20).getFirst().bodyText() : pushed.bodyText();
                assertThat(pmBody).contains("\"cmd\":\"PM_MSG\"").contains("\"msg_key\":" + msgKey)
                        .contains("hi neo");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Answer sessions = http.get("/session_svr/v1/session_svr/get_sessions").bearer(token).send();
                    assertThat(sessions.data().path("session_list").path(0).path("talker_id").asLong())
                            .as(sessions.toString()).isEqualTo(alice);
                    assertThat(sessions.data().path("session_list").path(0).path("unread_count").asInt()).isEqualTo(1);
                });
                Answer msgs = http.get("/svr_sync/v1/svr_sync/fetch_session_msgs").bearer(token)
                        .param("talker_id", alice).param("session_type", 1).send();
                assertThat(msgs.data().path("messages").path(0).path("msg_key").asLong()).as(msgs.toString())
                        .isEqualTo(msgKey);
                assertThat(http.post("/session_svr/v1/session_svr/update_ack").bearer(token)
                        .param("talker_id", alice).param("session_type", 1).param("ack_seqno", 1).send().code())
                        .isZero();
                assertThat(http.get("/session_svr/v1/session_svr/get_sessions").bearer(token).send().data()
                        .path("session_list").path(0).path("unread_count").asInt()).isZero();
            }

            // the edge caches sessions for a few seconds, but a logout through it takes effect at once
            String bob = http.post("/x/passport/login").param("username", "bob").param("password", "plaza-demo-2026")
                    .send().data().path("token").asText();
            assertThat(http.get("/x/web-interface/nav").bearer(bob).send().code()).isZero();
            assertThat(http.post("/x/passport/logout").bearer(bob).send().code()).isZero();
            assertThat(http.get("/x/web-interface/nav").bearer(bob).send().code()).isEqualTo(-101);

            String metrics = http.get("/metrics").send().body();
            assertThat(metrics).contains("route=\"/x/passport/login\"").contains("route=\"/x/archive/add\"")
                    .contains("route=\"/x/v2/reply/add\"").contains("grpc_server_requests")
                    .contains("comment_read_rebuilds_total").contains("comment_job_events_total")
                    .contains("jvm_memory_used_bytes");
        } finally {
            first.stop();
        }
        assertThat(Files.isDirectory(home.resolve("data/mariadb"))).isTrue();

        Standalone second = start();
        try {
            HttpTestClient http = HttpTestClient.local(second.httpPort());
            Answer login = http.post("/x/passport/login").param("username", "neo").param("password", "rabbit1234").send();
            assertThat(login.code()).as(login.toString()).isZero();
            assertThat(login.data().path("mid").asLong()).isEqualTo(mid);
            assertThat(http.get("/x/web-interface/view").param("aid", aid).send().data().path("title").asText())
                    .isEqualTo("Hello Plaza");
            // the comment and its like survived the restart (tables, and the cache rebuilt or kept)
            Answer list = http.get("/x/v2/reply").param("type", 1).param("oid", aid).send();
            assertThat(list.data().path("replies").path(0).path("rpid").asLong()).as(list.toString()).isEqualTo(rpid);
            assertThat(list.data().path("replies").path(0).path("like").asInt()).isEqualTo(1);
            // history survived too
            Answer hist = http.get("/x/web-interface/history/cursor").bearer(login.data().path("token").asText())
                    .send();
            assertThat(hist.data().path("list").path(0).path("progress").asLong()).as(hist.toString()).isEqualTo(17);
            // so did the private message
            Answer alice = http.post("/x/passport/login").param("username", "alice").param("password", "plaza-demo-2026")
                    .send();
            Answer pms = http.get("/svr_sync/v1/svr_sync/fetch_session_msgs").bearer(login.data().path("token")
                    .asText()).param("talker_id", alice.data().path("mid").asLong()).param("session_type", 1).send();
            assertThat(pms.data().path("messages").path(0).path("content").asText()).as(pms.toString())
                    .isEqualTo("{\"content\":\"hi neo\"}");
            // the demo seed ran once only
            assertThat(http.post("/x/passport/register").param("username", "alice").param("password", "another123")
                    .send().code()).isEqualTo(61001);
        } finally {
            second.stop();
        }
    }

    @Test
    void runsOnExternalEnginesWhenEmbeddingIsOff() throws Exception {
        // "external" engines: started apart from Plaza, reached only through the configured addresses
        try (Engines external = Engines.start(home.resolve("external"),
                EnumSet.of(EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA))) {
            Endpoints e = external.endpoints();
            Path config = home.resolve("external.yaml");
            Files.writeString(config, """
                    comment:
                      db:
                        databases:
                          - jdbcUrl: %s
                            user: %s
                            password: "%s"
                            maxPoolSize: 4
                            connectionTimeout: 2s
                    history:
                      db:
                        databases:
                          - jdbcUrl: %s
                            user: %s
                            password: "%s"
                            maxPoolSize: 4
                            connectionTimeout: 2s
                        tables: 4
                    im:
                      pm:
                        db:
                          databases:
                            - jdbcUrl: %s
                              user: %s
                              password: "%s"
                              maxPoolSize: 4
                              connectionTimeout: 2s
                          tables: 4
                    """.formatted(e.jdbcUrl("ext_comment"), e.mariadbUser(), e.mariadbPassword(),
                    e.jdbcUrl("ext_history"), e.mariadbUser(), e.mariadbPassword(),
                    e.jdbcUrl("ext_im"), e.mariadbUser(), e.mariadbPassword()));
            Standalone plaza = start(Optional.of(config),
                    "engines.embedded=false",
                    "redis.uri=" + e.redisUri(),
                    "kafka.bootstrap=" + e.kafkaBootstrap(),
                    "account.db.jdbcUrl=" + e.jdbcUrl("ext_account"),
                    "account.db.user=" + e.mariadbUser(),
                    "account.db.password=" + e.mariadbPassword(),
                    "archive.db.jdbcUrl=" + e.jdbcUrl("ext_archive"),
                    "archive.db.user=" + e.mariadbUser(),
                    "archive.db.password=" + e.mariadbPassword(),
                    "demo.enabled=false");
            try {
                assertThat(Files.exists(home.resolve("data"))).as("no embedded engine started").isFalse();
                assertThat(plaza.commentAdmin()).as("no search cluster configured: no admin role").isNull();
                HttpTestClient http = HttpTestClient.local(plaza.httpPort());
                assertThat(http.post("/x/passport/register").param("username", "ext_user")
                        .param("password", "external1").send().code()).isZero();
                try (var c = java.sql.DriverManager.getConnection(e.jdbcUrl("ext_account"), e.mariadbUser(),
                        e.mariadbPassword());
                     var rs = c.createStatement().executeQuery("SELECT username FROM account_user")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("ext_user");
                }
                try (var c = java.sql.DriverManager.getConnection(e.jdbcUrl("ext_comment"), e.mariadbUser(),
                        e.mariadbPassword());
                     var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM comment_shards")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("comment tables created in the configured database").isPositive();
                }
            } finally {
                plaza.stop();
            }
        }
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(),
                List.of("http.prot=1")).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(),
                List.of("http.port=abc")).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(),
                Map.of("PLAZA_ACCOUNT_BCRYPT_COST", "lots"), List.of()).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("account.bcryptCost");
    }

    static Packet readPacket(java.io.DataInputStream in) throws java.io.IOException {
        int length = in.readInt();
        byte[] rest = new byte[length - 4];
        in.readFully(rest);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length).putInt(length).put(rest);
        return Packets.readOne(io.netty.buffer.Unpooled.wrappedBuffer(b.array()), 1 << 20);
    }
}
