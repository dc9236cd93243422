package dev.plaza.kit.balance;

import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The {@code plaza_p2c_ewma} policy for one channel: one subchannel per resolved backend (address group), kept
 * connected, and a {@link P2cPicker} over the READY ones.
 *
 * <ul>
 *   <li>IDLE (the server closed the connection, or it went idle): reconnect at once, so the backend is ready before
 *       it is needed again.</li>
 *   <li>TRANSIENT_FAILURE: out of the picker; grpc retries the connection with backoff. The failure is sticky, as in
 *       grpc's round_robin: a backend that failed counts as failing while it cycles through CONNECTING, so the
 *       channel does not flap between "failing" and "connecting" and park calls meanwhile.</li>
 *   <li>No backend READY: calls wait while some backend is still connecting for the first time; once every backend
 *       is failing they fail fast with UNAVAILABLE (wait-for-ready calls keep waiting, as grpc defines).</li>
 * </ul>
 *
 * <p>With {@link P2cConfig#subsetSize} set and more backends than that, only a subset is connected at all (see
 * {@link #subset}).
 *
 * <p>Statistics ({@link EwmaNode}) belong to the backend, not to the picker, so they survive picker rebuilds,
 * reconnects and re-resolution. grpc calls every method here from the channel's synchronization context: the fields
 * need no locking.
 */
final class P2cLoadBalancer extends LoadBalancer {
    private final Helper helper;
    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final String defaultSubsetKey;
    private final SubsetSizes subsetSizes = new SubsetSizes();
    private final Map<List<SocketAddress>, Entry> entries = new LinkedHashMap<>();
    private P2cConfig config = P2cConfig.DEFAULT;
    private ConnectivityState state;

    /**
     * @param defaultSubsetKey chooses the subset when the config sets no {@link P2cConfig#subsetKey}
     */
    P2cLoadBalancer(Helper helper, LongSupplier nanoClock, RandomGenerator random, String defaultSubsetKey) {
        this.helper = helper;
        this.nanoClock = nanoClock;
        this.random = random;
        this.defaultSubsetKey = defaultSubsetKey;
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        if (resolved.getAddresses().isEmpty()) {
            Status error = Status.UNAVAILABLE.withDescription(
                    "name resolver returned no backends for " + helper.getAuthority());
            handleNameResolutionError(error);
            return error; // tells the resolver to try again later
        }
        if (resolved.getLoadBalancingPolicyConfig() instanceof P2cConfig parsed) {
            config = parsed;
        }
        // address groups are keyed without their attributes: a new weight or zone is the same backend
        Map<List<SocketAddress>, EquivalentAddressGroup> latest = new LinkedHashMap<>();
        for (EquivalentAddressGroup group : resolved.getAddresses()) {
            latest.put(group.getAddresses(), group);
        }
        int resolvedCount = latest.size();
        Set<List<SocketAddress>> kept = subset(latest.values());
        latest.keySet().retainAll(kept); // the others are not connected, or are disconnected below
        subsetSizes.update(resolvedCount, latest.size());
        for (Iterator<Map.Entry<List<SocketAddress>, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<List<SocketAddress>, Entry> e = it.next();
            if (!latest.containsKey(e.getKey())) {
                e.getValue().backend.subchannel().shutdown();
                it.remove();
            }
        }
        for (Map.Entry<List<SocketAddress>, EquivalentAddressGroup> e : latest.entrySet()) {
            Entry entry = entries.get(e.getKey());
            if (entry == null) {
                entries.put(e.getKey(), connect(e.getValue()));
            } else {
                entry.update(e.getValue());
            }
        }
        updateBalancingState();
        return Status.OK;
    }

    /**
     * The backends to connect to: all of them, unless {@link P2cConfig#subsetSize} is set and exceeded. Then each
     * group below keeps its {@code subsetSize} best under {@link RendezvousSubset} for this client's key, so that one
     * backend joining or leaving changes at most one connection, and every backend serves about as many clients.
     *
     * <ul>
     *   <li>Only ordinary backends are subset. Coloured ones are few (a canary, a tester's build) and may each be the
     *       only one of their colour: dropping one would send its colour's calls to ordinary backends.</li>
     *   <li>With a local zone, the same-zone and the other backends are subset separately. One subset of all of them
     *       would hold a random, possibly zero, number of same-zone backends and undo the zone preference; this way
     *       the zone's clients spread over the zone's backends as they do without subsetting, and the other zones'
     *       subset is the fallback while none in the zone is ready. The price: up to twice subsetSize connections.</li>
     *   <li>The subset follows the resolved list, not connection states: a failing member stays (P2C routes around it
     *       and the resolver drops it once its registration expires), so a flapping backend does not move
     *       connections around.</li>
     * </ul>
     */
    private Set<List<SocketAddress>> subset(Collection<EquivalentAddressGroup> groups) {
        Set<List<SocketAddress>> kept = new HashSet<>();
        if (config.subsetSize() == 0) {
            groups.forEach(g -> kept.add(g.getAddresses()));
            return kept;
        }
        List<EquivalentAddressGroup> inZone = new ArrayList<>();
        List<EquivalentAddressGroup> others = new ArrayList<>();
        for (EquivalentAddressGroup group : groups) {
            if (!BalancerAttributes.color(group).isEmpty()) {
                kept.add(group.getAddresses());
            } else if (config.zone() != null && config.zone().equals(BalancerAttributes.zone(group))) {
                inZone.add(group);
            } else {
                others.add(group);
            }
        }
        String key = config.subsetKey() == null ? defaultSubsetKey : config.subsetKey();
        RendezvousSubset subset = new RendezvousSubset(key, config.subsetSize());
        subset.choose(inZone, P2cLoadBalancer::label).forEach(g -> kept.add(g.getAddresses()));
        subset.choose(others, P2cLoadBalancer::label).forEach(g -> kept.add(g.getAddresses()));
        return kept;
    }

    private Entry connect(EquivalentAddressGroup group) {
        Subchannel subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
        EwmaNode node = new EwmaNode(nanoClock, config.decay(), BalancerAttributes.weight(group));
        Entry entry = new Entry(group.getAddresses(), new Backend(subchannel, node, label(group), subsetSizes),
                BalancerAttributes.zone(group), BalancerAttributes.color(group));
        subchannel.start(info -> onStateChange(entry, info));
        subchannel.requestConnection();
        return entry;
    }

    private void onStateChange(Entry entry, ConnectivityStateInfo info) {
        if (entries.get(entry.key) != entry || info.getState() == ConnectivityState.SHUTDOWN) {
            return; // a removed backend's last words
        }
        switch (info.getState()) {
            case READY -> entry.failing = false;
            case TRANSIENT_FAILURE -> {
                entry.failing = true;
                entry.lastError = info.getStatus();
                helper.refreshNameResolution(); // the backend may be gone for good: ask for the current list
            }
            case IDLE -> entry.backend.subchannel().requestConnection();
            default -> {
            }
        }
        entry.state = info.getState();
        updateBalancingState();
    }

    private void updateBalancingState() {
        Map<String, List<Backend>> readyByColor = new TreeMap<>();
        Map<String, List<Backend>> readyInZoneByColor = new TreeMap<>();
        boolean connecting = false;
        Status lastError = null;
        for (Entry entry : entries.values()) {
            if (entry.state == ConnectivityState.READY) {
                readyByColor.computeIfAbsent(entry.color, c -> new ArrayList<>()).add(entry.backend);
                if (config.zone() != null && config.zone().equals(entry.zone)) {
                    readyInZoneByColor.computeIfAbsent(entry.color, c -> new ArrayList<>()).add(entry.backend);
                }
            } else if (entry.failing) {
                lastError = entry.lastError;
            } else {
                connecting = true;
            }
        }
        if (!readyByColor.isEmpty()) {
            // same zone while any is ready: cross-zone calls cost latency and money; all backends otherwise
            Map<String, P2cPicker> pickers = new TreeMap<>();
            readyByColor.forEach((color, ready) -> pickers.put(color, new P2cPicker(
                    readyInZoneByColor.getOrDefault(color, ready), random, nanoClock, config.forcePick())));
            // the usual fleet has no colours: its picker alone, with nothing in front
            SubchannelPicker picker = pickers.size() == 1 && pickers.containsKey("") ? pickers.get("")
                    : new ColorPicker(pickers);
            update(ConnectivityState.READY, picker);
        } else if (connecting) {
            update(ConnectivityState.CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
        } else {
            Status error = Status.UNAVAILABLE.withDescription(
                    "all " + entries.size() + " backends of " + helper.getAuthority() + " are failing"
                            + (lastError == null ? "" : ", last: " + lastError.getCode() + " " + lastError.getDescription()));
            if (lastError != null && lastError.getCause() != null) {
                error = error.withCause(lastError.getCause());
            }
            update(ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
        }
    }

    private void update(ConnectivityState newState, SubchannelPicker picker) {
        state = newState;
        helper.updateBalancingState(newState, picker);
    }

    @Override
    public void handleNameResolutionError(Status error) {
        if (state == ConnectivityState.READY) {
            return; // keep serving the backends we know; the resolver retries by itself
        }
        Status unavailable = Status.UNAVAILABLE.withDescription("name resolution failed for " + helper.getAuthority()
                + ": " + error.getCode() + " " + error.getDescription()).withCause(error.getCause());
        update(ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(unavailable)));
    }

    @Override
    public void requestConnection() {
        for (Entry entry : entries.values()) {
            if (entry.state == ConnectivityState.IDLE) {
                entry.backend.subchannel().requestConnection();
            }
        }
    }

    @Override
    public void shutdown() {
        for (Entry entry : entries.values()) {
            entry.backend.subchannel().shutdown();
        }
        entries.clear();
    }

    private static String label(EquivalentAddressGroup group) {
        SocketAddress first = group.getAddresses().get(0);
        if (first instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return first.toString();
    }

    /** What the balancer tracks per backend beyond what the picker needs; touched in the sync context only. */
    private static final class Entry {
        final List<SocketAddress> key;
        final Backend backend;
        String zone;
        String color;
        ConnectivityState state = ConnectivityState.IDLE;
        boolean failing;
        Status lastError;

        Entry(List<SocketAddress> key, Backend backend, String zone, String color) {
            this.key = key;
            this.backend = backend;
            this.zone = zone;
            this.color = color;
        }

        void update(EquivalentAddressGroup group) {
            zone = BalancerAttributes.zone(group);
            color = BalancerAttributes.color(group);
            backend.node().weight(BalancerAttributes.weight(group));
            backend.subchannel().updateAddresses(List.of(group)); // keeps the subchannel's attributes current
        }
    }

    // visible for tests: the sizes PickMetrics reports
    SubsetSizes subsetSizes() {
        return subsetSizes;
    }

    // visible for tests: backends by address label
    Map<String, Backend> backendsByAddress() {
        Map<String, Backend> byAddress = new HashMap<>();
        for (Entry entry : entries.values()) {
            byAddress.put(entry.backend.address(), entry.backend);
        }
        return byAddress;
    }
}
