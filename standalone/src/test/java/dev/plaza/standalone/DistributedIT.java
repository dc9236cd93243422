package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Engines;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.kit.config.ConfigLoader;
import dev.plaza.kit.discovery.DiscoveryNameResolverProvider;
import dev.plaza.kit.discovery.ServiceRegistry;
import dev.plaza.kit.discovery.ServiceWatcher;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcMetadata;
import io.grpc.NameResolverRegistry;
import java.io.DataInputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed mode as {@code ./plaza run <role>} runs it: each role in its own JVM from the packaged launcher,
 * real engines, discovery through ZooKeeper. A comment posted through the comment process reaches the account and
 * archive processes and the comment job; two account instances share the calls; killing one (SIGKILL, so its
 * znode stays until the session expires) under load fails at most the calls it had in flight; stopping one
 * gracefully (SIGTERM) under load fails none; an instance started with a colour gets exactly the calls of that
 * colour. The messaging roles, each in its own process, carry a danmaku from logic's edge through Kafka and the job
 * to a client on the comet, and the archive process counts it.
 */
class DistributedIT {
    private static final Duration UP = Duration.ofMinutes(3);
    private static final String GET_PROFILES = "plaza.account.v1.Account/GetProfiles";
    private static final int LOAD_THREADS = 4;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private Engines engines;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    private static List<String> sets(String... extra) {
        List<String> s = new ArrayList<>(List.of("http.port=0", "grpc.port=0", "account.bcryptCost=4",
                "comment.db.subjectTables=4", "comment.db.indexTables=8", "comment.db.contentTables=8",
                "comment.db.actionTables=8", "log.level=WARN", "discovery.sessionTimeout=30s",
                // about failover, not overload: with the machine busy (builds, the other JVMs here) the limiter
                // would rightly shed some of the load threads' calls, which this test must not count as lost
                "limiter.enabled=false"));
        s.addAll(List.of(extra));
        return s;
    }

    /** Real engines for the roles, and the engines.yaml that points a role at them (as ./plaza run engines). */
    private Path startEngines() throws Exception {
        engines = Engines.start(dir.resolve("engines"),
                EnumSet.of(EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA, EngineKind.ZOOKEEPER));
        closing.add(engines);
        StandaloneConfig defaults = ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(), List.of())
                .bind(StandaloneConfig.class);
        Path config = dir.resolve("engines.yaml");
        Files.writeString(config, new YAMLMapper().writeValueAsString(
                EnginesHost.settings(defaults, engines.endpoints())));
        return config;
    }

    private RoleProcess start(String name, String role, Path config, String... extra) throws Exception {
        RoleProcess p = RoleProcess.start(name, role, config, dir, sets(extra));
        closing.add(p);
        return p;
    }

    @Test
    void rolesFindEachOtherAndSurviveAnInstanceKilledUnderLoad() throws Exception {
        Path config = startEngines();

        RoleProcess account1 = start("account-1", "account", config);
        RoleProcess account2 = start("account-2", "account", config);
        RoleProcess archive = start("archive", "archive", config);
        RoleProcess comment = start("comment", "comment", config);
        RoleProcess commentJob = start("comment-job", "comment-job", config);
        for (RoleProcess p : List.of(account1, account2, archive, comment, commentJob)) {
            p.awaitUp(UP);
        }

        // the product across processes: log in (account), add a video (archive, which asks account who is calling),
        // comment on it (comment: account and archive through discovery), read it back once the job applied it
        HttpTestClient accounts = HttpTestClient.local(account1.httpPort());
        assertThat(accounts.post("/x/passport/register").param("username", "neo")
                .param("password", "followtherabbit1").send().code()).isZero();
        Answer login = accounts.post("/x/passport/login").param("username", "neo")
                .param("password", "followtherabbit1").send();
        String token = login.data().path("token").asText();
        long mid = accounts.get("/x/web-interface/nav").bearer(token).send().data().path("mid").asLong();
        Answer video = HttpTestClient.local(archive.httpPort()).post("/x/archive/add").bearer(token)
                .param("title", "distributed").param("duration", 60).param("media_url", "https://example.com/v.mp4")
                .send();
        assertThat(video.code()).as(video.toString()).isZero();
        long aid = video.data().path("aid").asLong();
        HttpTestClient comments = HttpTestClient.local(comment.httpPort());
        Answer posted = comments.post("/x/v2/reply/add").bearer(token).param("type", 1).param("oid", aid)
                .param("message", "from another process").send();
        assertThat(posted.code()).as(posted.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Answer page = comments.get("/x/v2/reply").param("type", 1).param("oid", aid).param("sort", 0).send();
            assertThat(page.data().path("replies").path(0).path("content").path("message").asText())
                    .isEqualTo("from another process");
            assertThat(page.data().path("replies").path(0).path("member").path("uname").asText()).isEqualTo("neo");
        });

        // a client of our own over discovery, as any role's
        CuratorFramework zk = CuratorFrameworkFactory.newClient(engines.endpoints().zookeeperConnect(),
                new ExponentialBackoffRetry(200, 5));
        zk.start();
        closing.add(zk);
        DiscoveryNameResolverProvider discovery = new DiscoveryNameResolverProvider(zk, ServiceRegistry.ROOT,
                ServiceWatcher.Protection.defaults(), null);
        NameResolverRegistry.getDefaultRegistry().register(discovery);
        closing.add(() -> NameResolverRegistry.getDefaultRegistry().deregister(discovery));
        closing.add(discovery);
        RpcClient channel = RpcChannels.builder("distributed-it").build()
                .forTarget(DiscoveryNameResolverProvider.target(AccountGrpc.SERVICE_NAME));
        closing.add(channel);
        AccountGrpc.AccountBlockingStub stub = AccountGrpc.newBlockingStub(channel);
        GetProfilesRequest request = GetProfilesRequest.newBuilder().addMids(mid).build();

        // both instances take calls
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 20; i++) {
                stub.getProfiles(request);
            }
            assertThat(okCalls(account1, GET_PROFILES)).isPositive();
            assertThat(okCalls(account2, GET_PROFILES)).isPositive();
        });

        // load from a few threads; SIGKILL one instance in the middle
        LoadResult killedRun = underLoad(stub, request, account2::kill);
        System.out.printf("DistributedIT kill: %s%n", killedRun);
        assertThat(killedRun.before()).as("calls before the kill").isGreaterThan(100);
        assertThat(killedRun.after()).as("calls answered by the survivor after the kill").isGreaterThan(100);
        assertThat(killedRun.failures()).as("only calls in flight on the killed instance may fail (%d threads)",
                LOAD_THREADS).hasSizeLessThanOrEqualTo(LOAD_THREADS);

        // a graceful stop (SIGTERM) under load: it leaves the registry, waits, then drains, so nothing fails
        RoleProcess account3 = start("account-3", "account", config);
        RoleProcess blue = start("account-blue", "account", config, "discovery.color=blue");
        account3.awaitUp(UP);
        blue.awaitUp(UP);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 20; i++) {
                stub.getProfiles(request);
            }
            assertThat(okCalls(account3, GET_PROFILES)).isPositive();
        });
        LoadResult stoppedRun = underLoad(stub, request, account3::close);
        System.out.printf("DistributedIT graceful stop: %s%n", stoppedRun);
        assertThat(stoppedRun.after()).isGreaterThan(100);
        assertThat(stoppedRun.failures()).as("a graceful stop fails no call").isEmpty();

        // a coloured instance: only calls of its colour reach it, and all of those do
        RpcMetadata blueCalls = RpcMetadata.EMPTY.with("x-md-global-color", "blue");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            blueCalls.context().run(() -> stub.getProfiles(request));
            assertThat(okCalls(blue, GET_PROFILES)).isPositive();
        });
        long blueBefore = okCalls(blue, GET_PROFILES);
        long plainBefore = okCalls(account1, GET_PROFILES);
        for (int i = 0; i < 100; i++) {
            stub.getProfiles(request);
            blueCalls.context().run(() -> stub.getProfiles(request));
        }
        assertThat(okCalls(blue, GET_PROFILES) - blueBefore).as("blue calls on the blue instance").isEqualTo(100);
        assertThat(okCalls(account1, GET_PROFILES) - plainBefore).as("plain calls on the plain instance")
                .isEqualTo(100);
    }

    @Test
    void messagingRolesDeliverADanmakuAcrossProcesses() throws Exception {
        Path config = startEngines();
        int cometPort;
        try (ServerSocket free = new ServerSocket(0)) {
            cometPort = free.getLocalPort();
        }

        RoleProcess account = start("account", "account", config);
        RoleProcess archive = start("archive", "archive", config);
        RoleProcess logic = start("im-logic", "im-logic", config, "im.logic.httpPort=0");
        // the comet builds nothing but itself (no database, no producer): ImServer.Roles
        RoleProcess comet = start("im-comet", "im-comet", config, "im.comet.tcpPort=" + cometPort,
                "im.comet.wsPort=-1");
        RoleProcess job = start("im-job", "im-job", config, "im.logic.httpPort=0");
        for (RoleProcess p : List.of(account, archive, logic, comet, job)) {
            p.awaitUp(UP);
        }
        HttpTestClient accounts = HttpTestClient.local(account.httpPort());
        assertThat(accounts.post("/x/passport/register").param("username", "trinity")
                .param("password", "followtherabbit1").send().code()).isZero();
        Answer login = accounts.post("/x/passport/login").param("username", "trinity")
                .param("password", "followtherabbit1").send();
        String token = login.data().path("token").asText();
        long mid = login.data().path("mid").asLong();
        HttpTestClient videos = HttpTestClient.local(archive.httpPort());
        Answer video = videos.post("/x/archive/add").bearer(token).param("title", "live")
                .param("duration", 60).param("media_url", "https://example.com/v.mp4").send();
        assertThat(video.code()).as(video.toString()).isZero();
        long aid = video.data().path("aid").asLong();

        // a Bilibili live client on the comet process, authenticated by logic over gRPC (found in ZooKeeper)
        try (Socket live = new Socket("127.0.0.1", cometPort)) {
            live.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(live.getInputStream());
            live.getOutputStream().write(Packet.of(1, Op.AUTH, 1, "{\"uid\":" + mid + ",\"roomid\":" + aid
                    + ",\"protover\":1,\"platform\":\"web\",\"type\":2,\"key\":\"" + token + "\"}").toBytes());
            Packet auth = StandaloneIT.readPacket(in);
            assertThat(auth.op()).isEqualTo(Op.AUTH_REPLY);
            assertThat(auth.bodyText()).isEqualTo("{\"code\":0}");

            // a danmaku sent to logic's edge: logic -> Kafka -> the job process -> the comet process -> the client
            Answer sent = HttpTestClient.local(logic.httpPort()).post("/msg/send").bearer(token)
                    .param("roomid", aid).param("msg", "across processes").send();
            assertThat(sent.code()).as(sent.toString()).isZero();
            String body = "";
            while (!body.contains("DANMU_MSG")) {
                body = StandaloneIT.readPacket(in).bodyText(); // past anything else the room sends
            }
            assertThat(body).contains("\"across processes\"");
        }
        // the private-message store's pools are in logic's process, not in the comet's
        assertThat(metrics(logic)).contains("hikaricp_connections");
        assertThat(metrics(comet)).doesNotContain("hikaricp_connections");

        // and counted in the video's stat by the archive process (archive-stat)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(videos.get("/x/web-interface/view")
                .param("aid", aid).send().data().path("stat").path("danmaku").asLong()).isEqualTo(1));
    }

    /** Calls answered before and after {@code event}, and the calls that failed, over the whole run. */
    private record LoadResult(long before, long after, List<String> failures) {
    }

    private interface Event {
        void run() throws Exception;
    }

    /** {@value #LOAD_THREADS} threads calling in a loop for 3 s, then {@code event}, then 6 s more. */
    private static LoadResult underLoad(AccountGrpc.AccountBlockingStub stub, GetProfilesRequest request, Event event)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean happened = new AtomicBoolean();
        AtomicLong before = new AtomicLong();
        AtomicLong after = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(LOAD_THREADS);
        for (int t = 0; t < LOAD_THREADS; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        try {
                            stub.getProfiles(request);
                            (happened.get() ? after : before).incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e.getMessage());
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(3_000);
        event.run();
        happened.set(true);
        Thread.sleep(6_000);
        running.set(false);
        done.await();
        return new LoadResult(before.get(), after.get(), List.copyOf(failures));
    }

    /** Calls of {@code method} the process answered OK, from its Prometheus scrape. */
    private static String metrics(RoleProcess p) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long okCalls(RoleProcess p, String method) throws Exception {
        long sum = 0;
        for (String line : metrics(p).split("\n")) {
            if (line.startsWith("grpc_server_requests_seconds_count{") && line.contains("method=\"" + method + "\"")
                    && line.contains("code=\"OK\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
