package dev.plaza.kit.discovery;

import dev.plaza.kit.balance.BalancerAttributes;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.net.InetSocketAddress;

/** What a resolved address carries from its instance, for balancers (weight, zone) and colour routing. */
public final class InstanceAttributes {
    public static final Attributes.Key<String> ID = Attributes.Key.create("plaza.instance.id");
    /** The balancer's key: same-zone instances are preferred. */
    public static final Attributes.Key<String> ZONE = BalancerAttributes.ZONE;
    /** The balancer's key: a coloured instance gets only its colour's calls. */
    public static final Attributes.Key<String> COLOR = BalancerAttributes.COLOR;
    /** The balancer's key: its share of picks. */
    public static final Attributes.Key<Integer> WEIGHT = BalancerAttributes.WEIGHT;

    private InstanceAttributes() {
    }

    /** The instance as a gRPC address group with its attributes. */
    public static EquivalentAddressGroup addressOf(ServiceInstance i) {
        return new EquivalentAddressGroup(new InetSocketAddress(i.host(), i.grpcPort()),
                Attributes.newBuilder().set(ID, i.id()).set(ZONE, i.zone()).set(COLOR, i.color())
                        .set(WEIGHT, i.weight()).build());
    }
}
