package dev.plaza.bench;

import dev.plaza.kit.balance.Backend;
import dev.plaza.kit.balance.EwmaNode;
import dev.plaza.kit.balance.P2cPicker;
import dev.plaza.kit.balance.ThreadLocalRandomSource;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the P2C-EWMA balancer adds to every call: one pick plus the bookkeeping of the call it places (start: stream
 * tracer created, call enters the in-flight list; finish: streamClosed, EWMAs updated), over 3 and 20 ready
 * backends, from one thread and from two threads sharing the backends. Target: under 1 us per call.
 *
 * <p>Baseline in the same run: {@code randomPick}, a uniform random pick with no statistics (what grpc's
 * pick_first/round_robin cost is of the same order), so the ratio shows the price of the statistics.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class P2cPickBenchmark {
    private static final ClientStreamTracer.StreamInfo STREAM =
            ClientStreamTracer.StreamInfo.newBuilder().setCallOptions(CallOptions.DEFAULT).build();
    private static final Metadata HEADERS = new Metadata();

    @Param({"3", "20"})
    public int backends;

    private P2cPicker picker;
    private Subchannel[] subchannels;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        subchannels = new Subchannel[backends];
        for (int i = 0; i < backends; i++) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", 9001 + i);
            subchannels[i] = new IdleSubchannel(new EquivalentAddressGroup(address));
            EwmaNode node = new EwmaNode(System::nanoTime, EwmaNode.DEFAULT_DECAY, 100);
            node.start().finish(false); // measured, as in steady state
            list.add(new Backend(subchannels[i], node, "127.0.0.1:" + (9001 + i)));
        }
        picker = new P2cPicker(list, new ThreadLocalRandomSource(), System::nanoTime, P2cPicker.DEFAULT_FORCE_PICK);
    }

    @Benchmark
    @Threads(1)
    public PickResult pickAndFinish() {
        return pickAndFinishOnce();
    }

    @Benchmark
    @Threads(2)
    public PickResult pickAndFinish2Threads() {
        return pickAndFinishOnce();
    }

    private PickResult pickAndFinishOnce() {
        PickResult result = picker.pickSubchannel(null);
        ClientStreamTracer tracer = result.getStreamTracerFactory().newClientStreamTracer(STREAM, HEADERS);
        tracer.streamClosed(Status.OK);
        return result;
    }

    @Benchmark
    @Threads(1)
    public PickResult randomPick() {
        return PickResult.withSubchannel(subchannels[ThreadLocalRandom.current().nextInt(subchannels.length)]);
    }

    /** What grpc would hand the picker; never connects, the benchmark never sends. */
    private static final class IdleSubchannel extends Subchannel {
        private final List<EquivalentAddressGroup> addresses;

        IdleSubchannel(EquivalentAddressGroup address) {
            this.addresses = List.of(address);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void requestConnection() {
        }

        @Override
        public List<EquivalentAddressGroup> getAllAddresses() {
            return addresses;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }
    }
}
