package dev.plaza.kit.balance;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelStateListener;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.util.List;

/** A subchannel that only records what the balancer asks of it; tests drive its state. */
final class FakeSubchannel extends Subchannel {
    private List<EquivalentAddressGroup> addresses;
    private SubchannelStateListener listener;
    int connectionRequests;
    boolean shutdown;

    FakeSubchannel(List<EquivalentAddressGroup> addresses) {
        this.addresses = addresses;
    }

    static FakeSubchannel at(int port) {
        return new FakeSubchannel(List.of(new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port))));
    }

    @Override
    public void start(SubchannelStateListener listener) {
        this.listener = listener;
    }

    void moveTo(ConnectivityState state) {
        listener.onSubchannelState(ConnectivityStateInfo.forNonError(state));
    }

    void fail(Status status) {
        listener.onSubchannelState(ConnectivityStateInfo.forTransientFailure(status));
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public void requestConnection() {
        connectionRequests++;
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
        return addresses;
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addresses) {
        this.addresses = addresses;
    }

    @Override
    public Attributes getAttributes() {
        return Attributes.EMPTY;
    }
}
