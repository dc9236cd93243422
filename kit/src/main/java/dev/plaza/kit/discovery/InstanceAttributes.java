package dev.plaza.kit.discovery;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.net.InetSocketAddress;

/** What a resolved address carries from its instance, for balancers (weight, zone) and colour routing. */
public final class InstanceAttributes {
    public static final Attributes.Key<String> ID = Attributes.Key.create("plaza.instance.id");
    public static final Attributes.Key<String> ZONE = Attributes.Key.create("plaza.instance.zone");
    public static final Attributes.Key<String> COLOR = Attributes.Key.create("plaza.instance.color");
    public static final Attributes.Key<Integer> WEIGHT = Attributes.Key.create("plaza.instance.weight");

    private InstanceAttributes() {
    }

    /** The instance as a gRPC address group with its attributes. */
    public static EquivalentAddressGroup addressOf(ServiceInstance i) {
        return new EquivalentAddressGroup(new InetSocketAddress(i.host(), i.grpcPort()),
                Attributes.newBuilder().set(ID, i.id()).set(ZONE, i.zone()).set(COLOR, i.color())
                        .set(WEIGHT, i.weight()).build());
    }
}
