package dev.plaza.kit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcMetadata;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.PingRequest;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration and watching on a real ZooKeeper server (Curator's in-process one), and a gRPC channel over it. */
class ServiceDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestingServer server;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private String root;
    private CuratorFramework watcherZk;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        server.close();
    }

    @BeforeEach
    void setUp() {
        root = "/plaza-test/" + UUID.randomUUID();
        watcherZk = client();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private CuratorFramework client() {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 5_000, 3_000,
                new ExponentialBackoffRetry(100, 3));
        c.start();
        closing.add(c);
        return c;
    }

    /** A registry on its own ZooKeeper session, as another process would have. */
    private ServiceRegistry registryOf(ServiceInstance... instances) throws InterruptedException {
        ServiceRegistry r = new ServiceRegistry(client(), root);
        for (ServiceInstance i : instances) {
            r.register(i, WAIT);
        }
        return r;
    }

    private ServiceWatcher watch(String service, ServiceWatcher.Protection p) {
        ServiceWatcher w = new ServiceWatcher(watcherZk, root, service, p, new SimpleMeterRegistry());
        w.start();
        closing.add(w);
        return w;
    }

    @Test
    void instancesAppearAndLeaveAsTheyRegisterAndStop() throws Exception {
        ServiceInstance a = ServiceInstance.of("comment.service", "127.0.0.1", 9001).withZone("z1").withWeight(50);
        ServiceInstance b = ServiceInstance.of("comment.service", "127.0.0.1", 9002);
        ServiceInstance c = ServiceInstance.of("comment.service", "127.0.0.1", 9003).withColor("blue");
        ServiceRegistry ra = registryOf(a);
        ServiceRegistry rb = registryOf(b);
        closing.add(registryOf(c));
        registryOf(ServiceInstance.of("history.service", "127.0.0.1", 9100)); // another service: not listed
        ServiceWatcher w = watch("comment.service", ServiceWatcher.Protection.defaults());
        await().atMost(WAIT).until(() -> w.instances().size() == 3);
        assertThat(w.instances()).containsExactly(a, b, c);

        rb.close(); // a graceful stop leaves at once
        await().atMost(WAIT).until(() -> w.instances().size() == 2);
        assertThat(w.instances()).containsExactly(a, c);
        assertThat(w.isProtecting()).isFalse();
        ra.close();
    }

    @Test
    void closingWhileZooKeeperIsDownDoesNotHoldUpTheStop() throws Exception {
        try (TestingServer own = new TestingServer(true)) {
            CuratorFramework c = CuratorFrameworkFactory.newClient(own.getConnectString(), 5_000, 3_000,
                    new ExponentialBackoffRetry(100, 3));
            c.start();
            closing.add(c);
            ServiceRegistry r = new ServiceRegistry(c, root);
            r.register(ServiceInstance.of("comment.service", "127.0.0.1", 9001), WAIT);
            own.stop();
            await().atMost(WAIT).until(() -> !c.getZookeeperClient().isConnected());

            // a delete would wait out the client's retries (3 s connection timeout, 3 retries)
            long started = System.nanoTime();
            r.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aMassVanishingIsNotBelievedUntilTheHoldTimeHasPassed() throws Exception {
        ServiceRegistry stays = registryOf(ServiceInstance.of("svc", "127.0.0.1", 9001));
        closing.add(stays);
        ServiceRegistry goes = registryOf(ServiceInstance.of("svc", "127.0.0.1", 9002),
                ServiceInstance.of("svc", "127.0.0.1", 9003));
        ServiceWatcher w = watch("svc", new ServiceWatcher.Protection(0.5, Duration.ofSeconds(10), Duration.ofSeconds(2)));
        await().atMost(WAIT).until(() -> w.instances().size() == 3);

        goes.close();
        await().atMost(WAIT).until(w::isProtecting);
        assertThat(w.instances()).as("kept while protecting").hasSize(3);
        await().atMost(WAIT).until(() -> w.instances().size() == 1);
        assertThat(w.isProtecting()).isFalse();
    }

    /** A real gRPC server on a loopback port whose Ping answers {@code name}. */
    private Server probeServer(String name) throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProbeGrpc.ProbeImplBase() {
                    @Override
                    public void ping(PingRequest request, StreamObserver<PingReply> out) {
                        out.onNext(PingReply.newBuilder().setText(name).build());
                        out.onCompleted();
                    }
                }).build().start();
        closing.add(() -> s.shutdownNow().awaitTermination());
        return s;
    }

    /** A kit channel (discovery resolves, P2C + EWMA balances) to {@code service}. */
    private ProbeGrpc.ProbeBlockingStub probeStub(String service) {
        DiscoveryNameResolverProvider provider = new DiscoveryNameResolverProvider(watcherZk, root,
                ServiceWatcher.Protection.defaults(), null);
        NameResolverRegistry.getDefaultRegistry().register(provider);
        closing.add(() -> NameResolverRegistry.getDefaultRegistry().deregister(provider));
        closing.add(provider);
        RpcClient channel = RpcChannels.builder("discovery-test").build()
                .forTarget(DiscoveryNameResolverProvider.target(service));
        closing.add(channel);
        return ProbeGrpc.newBlockingStub(channel);
    }

    private static Set<String> answersOf(ProbeGrpc.ProbeBlockingStub stub, String color, int calls) {
        Set<String> seen = new HashSet<>();
        RpcMetadata md = color == null ? RpcMetadata.EMPTY : RpcMetadata.EMPTY.with("x-md-global-color", color);
        md.context().run(() -> {
            for (int k = 0; k < calls; k++) {
                seen.add(stub.ping(PingRequest.getDefaultInstance()).getText());
            }
        });
        return seen;
    }

    @Test
    void aColouredInstanceGetsOnlyItsColoursCallsAndColouredCallsFallBackToOrdinaryOnes() throws Exception {
        Server plain = probeServer("plain");
        Server blue = probeServer("blue");
        closing.add(registryOf(ServiceInstance.of("coloured", "127.0.0.1", plain.getPort())));
        ServiceRegistry blueRegistry = registryOf(ServiceInstance.of("coloured", "127.0.0.1", blue.getPort())
                .withColor("blue"));
        ProbeGrpc.ProbeBlockingStub stub = probeStub("coloured");
        await().atMost(WAIT).untilAsserted(() -> assertThat(answersOf(stub, "blue", 20)).containsExactly("blue"));
        assertThat(answersOf(stub, null, 50)).as("ordinary calls never reach the blue instance")
                .containsExactly("plain");
        assertThat(answersOf(stub, "green", 20)).as("a colour with no instance falls back to ordinary ones")
                .containsExactly("plain");

        blueRegistry.close();
        await().atMost(WAIT).untilAsserted(() -> assertThat(answersOf(stub, "blue", 20))
                .as("its instance gone, blue calls fall back").containsExactly("plain"));
    }

    @Test
    void aKitChannelOnADiscoveryTargetReachesEveryRegisteredInstanceAndFollowsChanges() throws Exception {
        Server s0 = probeServer("s0");
        Server s1 = probeServer("s1");
        closing.add(registryOf(ServiceInstance.of("probe", "127.0.0.1", s0.getPort())));
        ProbeGrpc.ProbeBlockingStub stub = probeStub("probe");
        assertThat(stub.ping(PingRequest.getDefaultInstance()).getText()).isEqualTo("s0");

        closing.add(registryOf(ServiceInstance.of("probe", "127.0.0.1", s1.getPort())));
        await().atMost(WAIT).untilAsserted(() -> assertThat(answersOf(stub, null, 20))
                .containsExactlyInAnyOrder("s0", "s1"));
    }
}
