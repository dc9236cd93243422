package dev.plaza.kit.balance;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code static} scheme: a fixed list of backends in the target itself,
 * {@code static:///127.0.0.1:9001,127.0.0.1:9002}, for standalone mode and tests (Kratos' "direct" discovery). An
 * authority, as in {@code static://comment/127.0.0.1:9001,...}, becomes the calls' {@code :authority}; without one
 * the first backend's {@code host:port} does.
 *
 * <p>Host names are resolved once, when the channel is built; IPv6 literals go in brackets ({@code [::1]:9001},
 * percent-encoded as {@code %5B::1%5D:9001} where the target must be a strict URI).
 */
public final class StaticNameResolverProvider extends NameResolverProvider {
    public static final String SCHEME = "static";

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null; // not ours: grpc asks the next provider
        }
        List<InetSocketAddress> addresses = parse(target.getPath());
        String authority = target.getAuthority() != null && !target.getAuthority().isEmpty()
                ? target.getAuthority()
                : addresses.get(0).getHostString() + ":" + addresses.get(0).getPort();
        return new StaticNameResolver(authority, addresses);
    }

    /** {@code /host:port,host:port}; every entry needs a port. */
    static List<InetSocketAddress> parse(String path) {
        String list = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String entry : list.split(",")) {
            String hostPort = entry.strip();
            if (hostPort.isEmpty()) {
                continue;
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("static target entries are host:port, got '" + hostPort + "'");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in static target entry '" + hostPort + "'", e);
            }
            addresses.add(new InetSocketAddress(host, port)); // rejects ports out of range
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a static target lists at least one host:port, e.g. "
                    + "static:///127.0.0.1:9001,127.0.0.1:9002");
        }
        return List.copyOf(addresses);
    }

    private static final class StaticNameResolver extends NameResolver {
        private final String authority;
        private final List<EquivalentAddressGroup> groups;
        private Listener2 listener;

        StaticNameResolver(String authority, List<InetSocketAddress> addresses) {
            this.authority = authority;
            this.groups = addresses.stream().map(EquivalentAddressGroup::new).toList();
        }

        @Override
        public String getServiceAuthority() {
            return authority;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            publish();
        }

        // grpc asks again after failures (e.g. all backends down): the answer does not change, but must be given
        @Override
        public void refresh() {
            if (listener != null) {
                publish();
            }
        }

        private void publish() {
            // start and refresh run in the channel's synchronization context, where onResult2 must be called
            listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
        }

        @Override
        public void shutdown() {
            listener = null;
        }
    }
}
