package dev.plaza.kit.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class P2cLoadBalancerTest {
    private final FakeClock clock = new FakeClock();
    private final FakeHelper helper = new FakeHelper();
    private final P2cLoadBalancerProvider provider = new P2cLoadBalancerProvider(clock, new SplittableRandom(7));
    private final LoadBalancer balancer = provider.newLoadBalancer(helper);

    private static EquivalentAddressGroup group(int port, Attributes attributes) {
        return new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port), attributes);
    }

    private static EquivalentAddressGroup group(int port) {
        return group(port, Attributes.EMPTY);
    }

    private Status resolve(Object config, EquivalentAddressGroup... groups) {
        return balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder()
                .setAddresses(List.of(groups)).setLoadBalancingPolicyConfig(config).build());
    }

    private FakeSubchannel subchannel(int port) {
        return helper.subchannels.get(port);
    }

    /** The ports a picker chooses from, by picking many times. */
    private Set<Integer> pickedPorts() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            PickResult result = helper.picker.pickSubchannel(null);
            assertThat(result.getStatus().isOk()).as("pick %s", result).isTrue();
            ports.add(((InetSocketAddress) result.getSubchannel().getAddresses().getAddresses().get(0)).getPort());
        }
        return ports;
    }

    @Test
    void connectsEveryBackendAndPicksOnlyTheReadyOnes() {
        assertThat(resolve(null, group(1), group(2), group(3)).isOk()).isTrue();
        assertThat(helper.subchannels).hasSize(3);
        assertThat(helper.subchannels.values()).allSatisfy(sc -> assertThat(sc.connectionRequests).isEqualTo(1));
        assertThat(helper.state).isEqualTo(ConnectivityState.CONNECTING);
        assertThat(helper.picker.pickSubchannel(null).hasResult()).isFalse(); // calls wait while connecting

        subchannel(1).moveTo(ConnectivityState.READY);
        assertThat(helper.state).isEqualTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactly(1);

        subchannel(2).moveTo(ConnectivityState.READY);
        subchannel(3).moveTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void failingBackendsLeaveThePickerAndAllFailingFailsCallsFast() {
        resolve(null, group(1), group(2));
        subchannel(1).moveTo(ConnectivityState.READY);
        subchannel(2).moveTo(ConnectivityState.READY);

        subchannel(1).fail(Status.UNAVAILABLE.withDescription("connection refused"));
        assertThat(helper.state).isEqualTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactly(2);
        assertThat(helper.refreshes).isEqualTo(1); // the backend may be gone: ask the resolver again

        subchannel(1).moveTo(ConnectivityState.CONNECTING); // grpc's reconnect backoff
        subchannel(2).fail(Status.UNAVAILABLE.withDescription("connection reset"));
        assertThat(helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE); // sticky: 1 still counts as failing
        PickResult result = helper.picker.pickSubchannel(null);
        assertThat(result.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(result.getStatus().getDescription()).contains("all 2 backends").contains("connection");

        subchannel(1).moveTo(ConnectivityState.READY);
        assertThat(helper.state).isEqualTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactly(1);
    }

    @Test
    void anIdleBackendIsReconnectedAtOnce() {
        resolve(null, group(1), group(2));
        subchannel(1).moveTo(ConnectivityState.READY);
        subchannel(2).moveTo(ConnectivityState.READY);

        subchannel(1).moveTo(ConnectivityState.IDLE); // e.g. the server sent GOAWAY
        assertThat(subchannel(1).connectionRequests).isEqualTo(2);
        assertThat(pickedPorts()).containsExactly(2);
    }

    @Test
    void reResolutionAddsRemovesAndReweighsKeepingStatistics() {
        resolve(null, group(1), group(2));
        subchannel(1).moveTo(ConnectivityState.READY);
        Backend one = ((P2cLoadBalancer) balancer).backendsByAddress().get("127.0.0.1:1");
        EwmaNode.Call call = one.node().start();
        clock.advanceMillis(7);
        call.finish(false);

        resolve(null, group(1, Attributes.newBuilder().set(BalancerAttributes.WEIGHT, 300).build()), group(3));
        assertThat(subchannel(2).shutdown).isTrue();
        assertThat(subchannel(3)).isNotNull();
        assertThat(helper.subchannels).hasSize(3); // 1 was kept, not recreated
        Backend sameOne = ((P2cLoadBalancer) balancer).backendsByAddress().get("127.0.0.1:1");
        assertThat(sameOne).isSameAs(one);
        assertThat(one.node().weight()).isEqualTo(300);
        assertThat(one.node().latencyNanos()).isEqualTo(7_000_000.0);
        assertThat(subchannel(1).getAddresses().getAttributes().get(BalancerAttributes.WEIGHT)).isEqualTo(300);

        subchannel(2).moveTo(ConnectivityState.READY); // a removed backend's late news changes nothing
        assertThat(pickedPorts()).containsExactly(1);
    }

    @Test
    void theDefaultWeightAppliesWithoutOrWithABadAttribute() {
        resolve(null, group(1), group(2, Attributes.newBuilder().set(BalancerAttributes.WEIGHT, -5).build()));
        Map<String, Backend> backends = ((P2cLoadBalancer) balancer).backendsByAddress();
        assertThat(backends.get("127.0.0.1:1").node().weight()).isEqualTo(BalancerAttributes.DEFAULT_WEIGHT);
        assertThat(backends.get("127.0.0.1:2").node().weight()).isEqualTo(BalancerAttributes.DEFAULT_WEIGHT);
    }

    @Test
    void sameZoneBackendsArePreferredWhileAnyIsReady() {
        Attributes zoneA = Attributes.newBuilder().set(BalancerAttributes.ZONE, "a").build();
        Attributes zoneB = Attributes.newBuilder().set(BalancerAttributes.ZONE, "b").build();
        resolve(P2cConfig.DEFAULT.withZone("a"), group(1, zoneA), group(2, zoneA), group(3, zoneB));
        subchannel(3).moveTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactly(3); // no same-zone backend ready yet: the others serve

        subchannel(1).moveTo(ConnectivityState.READY);
        subchannel(2).moveTo(ConnectivityState.READY);
        assertThat(pickedPorts()).containsExactlyInAnyOrder(1, 2);

        subchannel(1).fail(Status.UNAVAILABLE);
        subchannel(2).fail(Status.UNAVAILABLE);
        assertThat(pickedPorts()).containsExactly(3);
    }

    @Test
    void noBackendsIsAnErrorTheResolverHears() {
        Status status = resolve(null);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
        assertThat(helper.picker.pickSubchannel(null).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aResolverErrorDoesNotDisturbAWorkingPicker() {
        resolve(null, group(1));
        subchannel(1).moveTo(ConnectivityState.READY);
        SubchannelPicker working = helper.picker;
        balancer.handleNameResolutionError(Status.UNAVAILABLE.withDescription("zookeeper down"));
        assertThat(helper.picker).isSameAs(working);
    }

    @Test
    void shutdownClosesEverySubchannel() {
        resolve(null, group(1), group(2));
        balancer.shutdown();
        assertThat(helper.subchannels.values()).allSatisfy(sc -> assertThat(sc.shutdown).isTrue());
    }

    @Test
    void serviceConfigIsParsedAndBadConfigIsRejected() {
        P2cLoadBalancerProvider provider = new P2cLoadBalancerProvider();
        Object parsed = provider.parseLoadBalancingPolicyConfig(
                Map.of("zone", "sh001", "decayMillis", 300.0, "forcePickMillis", 1000.0)).getConfig();
        assertThat(parsed).isEqualTo(new P2cConfig("sh001", java.time.Duration.ofMillis(300),
                java.time.Duration.ofSeconds(1)));
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of()).getConfig()).isEqualTo(P2cConfig.DEFAULT);
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("decayMillis", "soon")).getError().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("zome", "a")).getError().getDescription())
                .contains("zome");
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("decayMillis", 0.0)).getError()).isNotNull();
        // what PlazaBalancing sends is what the provider reads back
        P2cConfig config = new P2cConfig("b", java.time.Duration.ofMillis(450), java.time.Duration.ofSeconds(2));
        assertThat(provider.parseLoadBalancingPolicyConfig(config.toServiceConfig()).getConfig()).isEqualTo(config);
        P2cConfig subset = config.withSubsetSize(25).withSubsetKey("host-7");
        assertThat(provider.parseLoadBalancingPolicyConfig(subset.toServiceConfig()).getConfig()).isEqualTo(subset);
    }

    @Test
    void subsetSettingsAreParsedAndBadOnesRejected() {
        P2cLoadBalancerProvider provider = new P2cLoadBalancerProvider();
        assertThat(P2cConfig.DEFAULT.subsetSize()).isZero();
        assertThat(P2cConfig.DEFAULT.subsetKey()).isNull();
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("subsetSize", 25.0, "subsetKey", "host-7"))
                .getConfig()).isEqualTo(P2cConfig.DEFAULT.withSubsetSize(25).withSubsetKey("host-7"));
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("subsetSize", 2.5)).getError().getDescription())
                .contains("subsetSize");
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("subsetSize", -1.0)).getError()).isNotNull();
        assertThat(provider.parseLoadBalancingPolicyConfig(Map.of("subsetKey", 7.0)).getError()).isNotNull();
    }

    private static EquivalentAddressGroup[] groups(int from, int to, Attributes attributes) {
        return IntStream.range(from, to).mapToObj(port -> group(port, attributes))
                .toArray(EquivalentAddressGroup[]::new);
    }

    /** The ports with a live (created, not shut down) subchannel. */
    private Set<Integer> connectedPorts() {
        Set<Integer> ports = new TreeSet<>();
        helper.subchannels.forEach((port, sc) -> {
            if (!sc.shutdown) {
                ports.add(port);
            }
        });
        return ports;
    }

    private static Set<Integer> expectedSubset(String key, int size, int from, int to) {
        List<String> labels = IntStream.range(from, to).mapToObj(port -> "127.0.0.1:" + port).toList();
        Set<Integer> ports = new TreeSet<>();
        new RendezvousSubset(key, size).choose(labels, Function.identity())
                .forEach(label -> ports.add(Integer.parseInt(label.substring(label.indexOf(':') + 1))));
        return ports;
    }

    @Test
    void withSubsettingOnlyTheClientsSubsetIsConnectedAndOneChangeMovesOneConnection() {
        P2cConfig config = P2cConfig.DEFAULT.withSubsetSize(3).withSubsetKey("client-1");
        resolve(config, groups(1, 11, Attributes.EMPTY));
        Set<Integer> subset = expectedSubset("client-1", 3, 1, 11);
        assertThat(connectedPorts()).isEqualTo(subset);
        assertThat(helper.subchannels).hasSize(3); // the other 7 were never connected
        SubsetSizes sizes = ((P2cLoadBalancer) balancer).subsetSizes();
        assertThat(sizes.resolved()).isEqualTo(10);
        assertThat(sizes.used()).isEqualTo(3);

        resolve(config, groups(1, 12, Attributes.EMPTY)); // one joins
        assertThat(connectedPorts()).isEqualTo(expectedSubset("client-1", 3, 1, 12));
        assertThat(difference(connectedPorts(), subset).size()).isLessThanOrEqualTo(1);
        assertThat(helper.subchannels.size()).isLessThanOrEqualTo(4);

        Set<Integer> beforeLeaving = connectedPorts();
        int gone = beforeLeaving.iterator().next();
        List<EquivalentAddressGroup> rest = new ArrayList<>(List.of(groups(1, 12, Attributes.EMPTY)));
        rest.removeIf(g -> ((InetSocketAddress) g.getAddresses().get(0)).getPort() == gone);
        resolve(config, rest.toArray(EquivalentAddressGroup[]::new)); // a member leaves: its successor connects
        assertThat(subchannel(gone).shutdown).isTrue();
        assertThat(connectedPorts()).hasSize(3).containsAll(difference(beforeLeaving, Set.of(gone)));

        resolve(config, group(1), group(2)); // fewer than the subset size: all of them
        assertThat(connectedPorts()).containsExactly(1, 2);
        assertThat(sizes.used()).isEqualTo(2);
    }

    @Test
    void colouredBackendsAreNeverLeftOutOfTheSubset() {
        P2cConfig config = P2cConfig.DEFAULT.withSubsetSize(2).withSubsetKey("client-1");
        Attributes blue = Attributes.newBuilder().set(BalancerAttributes.COLOR, "blue").build();
        List<EquivalentAddressGroup> all = new ArrayList<>(List.of(groups(1, 11, Attributes.EMPTY)));
        all.addAll(List.of(groups(101, 104, blue))); // more coloured ones than the subset size, still all kept
        resolve(config, all.toArray(EquivalentAddressGroup[]::new));
        Set<Integer> expected = new TreeSet<>(expectedSubset("client-1", 2, 1, 11));
        expected.addAll(List.of(101, 102, 103));
        assertThat(connectedPorts()).isEqualTo(expected);
        assertThat(((P2cLoadBalancer) balancer).subsetSizes().used()).isEqualTo(5);
    }

    @Test
    void withALocalZoneTheZoneAndTheOthersAreSubsetSeparately() {
        Attributes zoneA = Attributes.newBuilder().set(BalancerAttributes.ZONE, "a").build();
        Attributes zoneB = Attributes.newBuilder().set(BalancerAttributes.ZONE, "b").build();
        P2cConfig config = P2cConfig.DEFAULT.withZone("a").withSubsetSize(2).withSubsetKey("client-1");
        List<EquivalentAddressGroup> all = new ArrayList<>(List.of(groups(1, 7, zoneA)));
        all.addAll(List.of(groups(11, 17, zoneB)));
        resolve(config, all.toArray(EquivalentAddressGroup[]::new));

        Set<Integer> inZone = expectedSubset("client-1", 2, 1, 7);
        Set<Integer> others = expectedSubset("client-1", 2, 11, 17);
        assertThat(connectedPorts()).containsAll(inZone).containsAll(others).hasSize(4);

        helper.subchannels.values().forEach(sc -> sc.moveTo(ConnectivityState.READY));
        assertThat(pickedPorts()).isEqualTo(inZone); // zone preference holds within the subset
        inZone.forEach(port -> subchannel(port).fail(Status.UNAVAILABLE));
        assertThat(pickedPorts()).isEqualTo(others); // and the other zones' subset is the fallback
    }

    @Test
    void withoutAKeyEachProviderThatIsEachProcessHasItsOwnSubset() {
        P2cConfig config = P2cConfig.DEFAULT.withSubsetSize(5);
        resolve(config, groups(1, 101, Attributes.EMPTY));
        Set<Integer> first = connectedPorts();
        assertThat(first).hasSize(5);

        FakeHelper sameProcess = new FakeHelper();
        provider.newLoadBalancer(sameProcess).acceptResolvedAddresses(ResolvedAddresses.newBuilder()
                .setAddresses(List.of(groups(1, 101, Attributes.EMPTY))).setLoadBalancingPolicyConfig(config).build());
        assertThat(sameProcess.subchannels.keySet()).isEqualTo(first); // a second channel, or a recreated balancer

        FakeHelper otherProcess = new FakeHelper();
        new P2cLoadBalancerProvider(clock, new SplittableRandom(7)).newLoadBalancer(otherProcess)
                .acceptResolvedAddresses(ResolvedAddresses.newBuilder()
                        .setAddresses(List.of(groups(1, 101, Attributes.EMPTY))).setLoadBalancingPolicyConfig(config)
                        .build());
        // two random keys choosing the same 5 of 100: a chance of 1 in 75 million
        assertThat(otherProcess.subchannels.keySet()).hasSize(5).isNotEqualTo(first);
    }

    @Test
    void theSubsetSizeIsReportedPerTargetFromTheFirstCall() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PickMetrics metrics = new PickMetrics(registry, "static:///fleet");
        resolve(P2cConfig.DEFAULT.withSubsetSize(3).withSubsetKey("client-1"), groups(1, 11, Attributes.EMPTY));
        helper.subchannels.values().forEach(sc -> sc.moveTo(ConnectivityState.READY));
        assertThat(registry.find(PickMetrics.SUBSET_SIZE).gauge()).isNull(); // no call yet

        PickResult pick = helper.picker.pickSubchannel(null);
        ClientStreamTracer.StreamInfo info = ClientStreamTracer.StreamInfo.newBuilder()
                .setCallOptions(CallOptions.DEFAULT.withOption(PickMetrics.CALL_OPTION, metrics)).build();
        pick.getStreamTracerFactory().newClientStreamTracer(info, new Metadata()).streamClosed(Status.OK);

        assertThat(registry.get(PickMetrics.SUBSET_SIZE).tag(PickMetrics.TARGET, "static:///fleet").gauge().value())
                .isEqualTo(3.0);
        assertThat(registry.get(PickMetrics.RESOLVED).tag(PickMetrics.TARGET, "static:///fleet").gauge().value())
                .isEqualTo(10.0);
        resolve(P2cConfig.DEFAULT.withSubsetSize(3).withSubsetKey("client-1"), group(1), group(2));
        assertThat(registry.get(PickMetrics.SUBSET_SIZE).gauge().value()).isEqualTo(2.0);
        assertThat(registry.get(PickMetrics.RESOLVED).gauge().value()).isEqualTo(2.0);
    }

    private static Set<Integer> difference(Set<Integer> a, Set<Integer> b) {
        Set<Integer> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** Runs the balancer's calls inline and keeps what it creates and publishes. */
    private static final class FakeHelper extends LoadBalancer.Helper {
        final Map<Integer, FakeSubchannel> subchannels = new LinkedHashMap<>();
        ConnectivityState state;
        SubchannelPicker picker;
        int refreshes;

        @Override
        public Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
            FakeSubchannel subchannel = new FakeSubchannel(args.getAddresses());
            subchannels.put(((InetSocketAddress) args.getAddresses().get(0).getAddresses().get(0)).getPort(),
                    subchannel);
            return subchannel;
        }

        @Override
        public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
            state = newState;
            picker = newPicker;
        }

        @Override
        public void refreshNameResolution() {
            refreshes++;
        }

        @Override
        public SynchronizationContext getSynchronizationContext() {
            return new SynchronizationContext((t, e) -> {
                throw new AssertionError(e);
            });
        }

        @Override
        public String getAuthority() {
            return "probe";
        }

        @Override
        public ManagedChannel createOobChannel(EquivalentAddressGroup group, String authority) {
            throw new AssertionError("the balancer never opens out-of-band channels");
        }
    }
}
