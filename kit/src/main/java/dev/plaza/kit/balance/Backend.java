package dev.plaza.kit.balance;

import dev.plaza.kit.errors.ServerFailures;
import io.grpc.ClientStreamTracer;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Objects;

/**
 * A backend as a {@link P2cPicker} sees it: the subchannel to send the call on and the statistics that rank it. The
 * stream tracer factory handed out with each pick feeds every call's latency and outcome back into the statistics.
 */
public final class Backend {
    private final Subchannel subchannel;
    private final EwmaNode node;
    private final String address;
    private final SubsetSizes subsetSizes;
    private final ClientStreamTracer.Factory tracerFactory;

    /**
     * @param address the label of {@code plaza.balancer.picks}: {@code host:port}
     */
    public Backend(Subchannel subchannel, EwmaNode node, String address) {
        this(subchannel, node, address, null);
    }

    /**
     * @param subsetSizes its balancer's sizes, which {@link PickMetrics} reports once it sees a call here; null for a
     *                    backend outside a balancer
     */
    Backend(Subchannel subchannel, EwmaNode node, String address, SubsetSizes subsetSizes) {
        this.subchannel = Objects.requireNonNull(subchannel, "subchannel");
        this.node = Objects.requireNonNull(node, "node");
        this.address = Objects.requireNonNull(address, "address");
        this.subsetSizes = subsetSizes;
        this.tracerFactory = new TracerFactory();
    }

    public Subchannel subchannel() {
        return subchannel;
    }

    public EwmaNode node() {
        return node;
    }

    public String address() {
        return address;
    }

    /** One per backend, not per call: the pick hands it out, grpc asks it for a tracer when the stream starts. */
    public ClientStreamTracer.Factory tracerFactory() {
        return tracerFactory;
    }

    @Override
    public String toString() {
        return address + " " + node;
    }

    private final class TracerFactory extends ClientStreamTracer.Factory {
        @Override
        public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
            // counted here rather than at the pick: a pick whose subchannel lost its transport meanwhile is picked
            // again, and only the pick that became a stream reached this backend (the same holds for in-flight)
            PickMetrics metrics = info.getCallOptions().getOption(PickMetrics.CALL_OPTION);
            if (metrics != null) {
                metrics.recordPick(address, subsetSizes);
            }
            return new CallTracer(node.start());
        }
    }

    /** One per stream (attempt): grpc calls streamClosed exactly once, also for streams that fail to start. */
    private static final class CallTracer extends ClientStreamTracer {
        private final EwmaNode.Call call;

        CallTracer(EwmaNode.Call call) {
            this.call = call;
        }

        @Override
        public void streamClosed(Status status) {
            call.finish(ServerFailures.isServerFailure(status.getCode()));
        }
    }
}
