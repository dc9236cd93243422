package dev.plaza.kit.discovery;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * gRPC targets {@code discovery:///comment.service}: the service's instances from ZooKeeper, followed live. One
 * {@link ServiceWatcher} per service, shared by every channel to it, opened on first use and closed with the
 * provider. Register an instance with {@code NameResolverRegistry.getDefaultRegistry().register(provider)} or pass it
 * to a channel builder's {@code nameResolverFactory}.
 */
public final class DiscoveryNameResolverProvider extends NameResolverProvider implements AutoCloseable {
    public static final String SCHEME = "discovery";

    private final CuratorFramework zk;
    private final String root;
    private final ServiceWatcher.Protection protection;
    private final MeterRegistry meters;
    private final Map<String, ServiceWatcher> watchers = new ConcurrentHashMap<>();

    public DiscoveryNameResolverProvider(CuratorFramework zk, String root, ServiceWatcher.Protection protection,
                                         MeterRegistry meters) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.root = Objects.requireNonNull(root, "root");
        this.protection = Objects.requireNonNull(protection, "protection");
        this.meters = meters;
    }

    /** The target string for a service ({@code discovery:///comment.service}). */
    public static String target(String service) {
        return SCHEME + ":///" + service;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        String path = targetUri.getPath();
        String service = path == null || path.length() < 2 ? "" : path.substring(1);
        ServiceInstance.requireName(service, "discovery target service");
        return new Resolver(service);
    }

    /** The watcher of a service (started on first use). */
    public ServiceWatcher watcher(String service) {
        return watchers.computeIfAbsent(service, s -> {
            ServiceWatcher w = new ServiceWatcher(zk, root, s, protection, meters);
            w.start();
            return w;
        });
    }

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
    public void close() {
        watchers.values().forEach(ServiceWatcher::close);
        watchers.clear();
    }

    private final class Resolver extends NameResolver {
        private final String service;
        private Consumer<List<ServiceInstance>> subscription;

        Resolver(String service) {
            this.service = service;
        }

        @Override
        public String getServiceAuthority() {
            return service;
        }

        @Override
        public void start(Listener2 listener) {
            subscription = instances -> {
                if (instances.isEmpty()) {
                    listener.onError(Status.UNAVAILABLE.withDescription("no instance of " + service
                            + " is registered"));
                    return;
                }
                List<EquivalentAddressGroup> addresses = instances.stream().map(InstanceAttributes::addressOf)
                        .toList();
                listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
            };
            watcher(service).subscribe(subscription);
        }

        @Override
        public void refresh() {
            // the watcher pushes every change; nothing to poll
        }

        @Override
        public void shutdown() {
            if (subscription != null) {
                ServiceWatcher w = watchers.get(service);
                if (w != null) {
                    w.unsubscribe(subscription);
                }
            }
        }
    }
}
