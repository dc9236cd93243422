package dev.plaza.kit.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.PingRequest;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three real gRPC servers on loopback behind a {@code static:///} target, a channel with the P2C-EWMA policy, and
 * eight callers in a loop: how the traffic spreads, moves away from a slow server, and survives a server going down.
 */
class P2cBalancingIT {
    private static final int CALLERS = 8;
    /** Every server takes about this long, so calls overlap and in-flight counts mean something. */
    private static final long BASE_DELAY_MILLIS = 1;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<TestServer> servers = new ArrayList<>();
    private String target;
    private ManagedChannel channel;
    private ProbeGrpc.ProbeBlockingStub stub;

    @BeforeEach
    void setUp() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            servers.add(new TestServer(name));
        }
        target = "static:///" + servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
        channel = PlazaBalancing.newChannel(target, meters, P2cConfig.DEFAULT);
        stub = ProbeGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (TestServer server : servers) {
            server.close();
        }
    }

    @Test
    void equalServersShareTheTraffic() throws Exception {
        try (Load load = new Load()) {
            Thread.sleep(1_000); // connect and measure every backend
            load.reset();
            Thread.sleep(2_000);
            Window window = load.reset();

            System.out.println("[P2cBalancingIT] equal servers, 2 s: " + window);
            assertThat(window.failures).isZero();
            assertThat(window.total()).isGreaterThan(1_000);
            for (String name : List.of("a", "b", "c")) {
                assertThat(window.share(name)).as("share of %s in %s", name, window).isBetween(0.20, 0.50);
            }
        }
        // every call was counted once, under the channel's target and the backend's address
        double counted = meters.find(PickMetrics.PICKS).tag(PickMetrics.TARGET, target).counters().stream()
                .mapToDouble(Counter::count).sum();
        assertThat(meters.find(PickMetrics.PICKS).counters()).hasSize(3);
        assertThat(meters.find(PickMetrics.PICKS).tag(PickMetrics.ADDRESS, "127.0.0.1:" + servers.get(0).port())
                .counter()).isNotNull();
        assertThat(counted).isGreaterThan(1_000);
    }

    @Test
    void aSlowServerLosesItsShareWithinSeconds() throws Exception {
        try (Load load = new Load()) {
            Thread.sleep(1_000);
            load.reset();
            servers.get(2).delayMillis = BASE_DELAY_MILLIS + 50;

            // how fast it moves: half-second windows after the slowdown
            List<String> windows = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread.sleep(500);
                windows.add(String.format("%.1f%%", 100 * load.reset().share("c")));
            }
            Thread.sleep(2_000);
            Window window = load.reset();

            System.out.println("[P2cBalancingIT] c +50 ms, share of c per 0.5 s: " + windows + "; then 2 s: " + window);
            assertThat(window.failures).isZero();
            assertThat(window.share("c")).as("share of the slow server in %s", window).isLessThan(0.10);
            assertThat(window.share("a")).isGreaterThan(0.3);
            assertThat(window.share("b")).isGreaterThan(0.3);
        }
    }

    @Test
    void aServerShutDownUnderLoadCostsOnlyItsCallsInFlight() throws Exception {
        try (Load load = new Load()) {
            Thread.sleep(1_000);
            Window before = load.reset();
            assertThat(before.share("b")).isGreaterThan(0.2);

            servers.get(1).server.shutdownNow(); // no drain: calls running on it fail
            Thread.sleep(1_000);
            Window duringShutdown = load.reset();
            Thread.sleep(1_000);
            Window after = load.reset();

            System.out.println("[P2cBalancingIT] b shut down: first second " + duringShutdown + "; next second "
                    + after);
            // a caller has one call in flight at a time: at most CALLERS calls can have been on b
            assertThat(duringShutdown.failures).isLessThanOrEqualTo(CALLERS);
            assertThat(duringShutdown.total()).isGreaterThan(500);
            assertThat(after.failures).isZero();
            assertThat(after.count("b")).isZero();
            assertThat(after.share("a")).isBetween(0.3, 0.7);
        }
    }

    @Test
    void withEveryServerDownCallsFailFastWithUnavailable() throws Exception {
        assertThat(stub.ping(PingRequest.getDefaultInstance()).getText()).isIn("a", "b", "c");
        for (TestServer server : servers) {
            server.server.shutdownNow();
        }
        // once every backend has failed to reconnect the picker fails calls at once instead of letting them wait
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            long start = System.nanoTime();
            try {
                stub.withDeadlineAfter(5, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance());
                throw new AssertionError("a call succeeded with every server down");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
        });
    }

    /** A Probe server that answers Ping with its name after its delay, counting the calls it got. */
    private static final class TestServer implements AutoCloseable {
        final String name;
        final Server server;
        volatile long delayMillis = BASE_DELAY_MILLIS;

        TestServer(String name) throws Exception {
            this.name = name;
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new ProbeGrpc.ProbeImplBase() {
                        @Override
                        public void ping(PingRequest request, StreamObserver<PingReply> out) {
                            try {
                                Thread.sleep(delayMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            out.onNext(PingReply.newBuilder().setText(name).build());
                            out.onCompleted();
                        }
                    })
                    .build()
                    .start();
        }

        int port() {
            return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        }

        @Override
        public void close() {
            try {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** CALLERS virtual threads calling Ping in a loop, counting answers by server and failures by code. */
    private final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private volatile Map<String, LongAdder> answers = new ConcurrentHashMap<>();
        private volatile Map<Status.Code, LongAdder> failures = new ConcurrentHashMap<>();

        Load() {
            for (int i = 0; i < CALLERS; i++) {
                threads.add(Thread.ofVirtual().name("caller-" + i).start(this::loop));
            }
        }

        private void loop() {
            while (running.get()) {
                try {
                    String server = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .ping(PingRequest.getDefaultInstance()).getText();
                    answers.computeIfAbsent(server, s -> new LongAdder()).increment();
                } catch (StatusRuntimeException e) {
                    failures.computeIfAbsent(e.getStatus().getCode(), c -> new LongAdder()).increment();
                }
            }
        }

        /** What happened since the last reset; starts a new window. */
        Window reset() {
            Map<String, LongAdder> a = answers;
            Map<Status.Code, LongAdder> f = failures;
            answers = new ConcurrentHashMap<>();
            failures = new ConcurrentHashMap<>();
            Map<String, Long> counts = new TreeMap<>();
            a.forEach((k, v) -> counts.put(k, v.sum()));
            Map<Status.Code, Long> failed = new TreeMap<>();
            f.forEach((k, v) -> failed.put(k, v.sum()));
            return new Window(counts, failed.values().stream().mapToLong(Long::longValue).sum(), failed);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Window(Map<String, Long> counts, long failures, Map<Status.Code, Long> failuresByCode) {
        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        long count(String server) {
            return counts.getOrDefault(server, 0L);
        }

        double share(String server) {
            long total = total();
            return total == 0 ? 0 : count(server) / (double) total;
        }

        @Override
        public String toString() {
            String shares = counts.keySet().stream()
                    .map(s -> String.format("%s=%d (%.1f%%)", s, count(s), 100 * share(s)))
                    .collect(Collectors.joining(", "));
            return shares + ", failures=" + failures + (failuresByCode.isEmpty() ? "" : " " + failuresByCode);
        }
    }
}
