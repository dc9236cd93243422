package dev.plaza.kit.balance;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Map;

/**
 * Traffic colour routing in front of one {@link P2cPicker} per colour: a call whose {@code x-md-global-color} header
 * names a colour with ready backends goes to them; every other call goes to the ordinary (uncoloured) backends, so a
 * coloured instance (a canary, a tester's build) only ever sees its own colour's traffic. With no ordinary backend
 * ready, such a call fails UNAVAILABLE rather than leak onto a coloured one.
 */
final class ColorPicker extends SubchannelPicker {
    static final Metadata.Key<String> COLOR_HEADER = Metadata.Key.of("x-md-global-color",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Map<String, P2cPicker> byColor; // "" = ordinary backends

    ColorPicker(Map<String, P2cPicker> byColor) {
        this.byColor = Map.copyOf(byColor);
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
        String color = args.getHeaders().get(COLOR_HEADER);
        P2cPicker picker = color == null || color.isEmpty() ? null : byColor.get(color);
        if (picker == null) {
            picker = byColor.get("");
        }
        if (picker == null) {
            return PickResult.withError(Status.UNAVAILABLE.withDescription("no ordinary backend is ready (only "
                    + byColor.keySet() + " coloured ones), and a call of colour '" + (color == null ? "" : color)
                    + "' may not go to another colour"));
        }
        return picker.pickSubchannel(args);
    }

    @Override
    public String toString() {
        return "ColorPicker" + byColor;
    }
}
