package dev.plaza.kit.discovery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one service's instance list in ZooKeeper ({@link CuratorCache} on {@code <root>/<service>}) and tells its
 * listeners the list to use after {@link VanishGuard}'s self-protection. Listeners get the current list on
 * subscribe and every change after; they run on Curator's event thread (or the re-check thread), so keep them quick.
 */
public final class ServiceWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);
    /** How long {@link #start()} waits for the first list. */
    static final Duration INITIAL_LOAD = Duration.ofSeconds(10);

    /**
     * @param maxVanishShare more than this share of the instances listed within {@code window} vanishing triggers
     *                       protection
     * @param window         how far back losses add up
     * @param holdFor        how long the earlier list is kept then
     */
    public record Protection(double maxVanishShare, Duration window, Duration holdFor) {
        /** Over half the instances gone within 10 s: keep the earlier list 30 s. */
        public static Protection defaults() {
            return new Protection(0.5, Duration.ofSeconds(10), Duration.ofSeconds(30));
        }
    }

    private final String service;
    private final String path;
    private final CuratorCache cache;
    private final VanishGuard guard;
    private final List<Consumer<List<ServiceInstance>>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService recheck;
    private volatile List<ServiceInstance> current = List.of();
    private volatile boolean protecting;

    public ServiceWatcher(CuratorFramework zk, String root, String service, Protection protection,
                          MeterRegistry meters) {
        ServiceInstance.requireName(service, "service");
        this.service = service;
        this.path = ServiceRegistry.servicePath(root, service);
        this.cache = CuratorCache.build(zk, path);
        this.guard = new VanishGuard(protection.maxVanishShare(), protection.window(), protection.holdFor(),
                System::nanoTime);
        this.recheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "discovery-recheck-" + service);
            t.setDaemon(true);
            return t;
        });
        if (meters != null) {
            Gauge.builder("plaza_discovery_instances", this, w -> w.current.size())
                    .description("instances a caller uses for the service").tag("service", service).register(meters);
            Gauge.builder("plaza_discovery_protecting", this, w -> w.protecting ? 1 : 0)
                    .description("1 while the caller keeps the last good list because too many vanished at once")
                    .tag("service", service).register(meters);
        }
    }

    /**
     * Starts following and waits (up to {@link #INITIAL_LOAD}) until the cache has loaded the current list, so the
     * first list listeners hear is the registry's, not an empty one from before the load.
     */
    public void start() {
        CountDownLatch loaded = new CountDownLatch(1);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> {
                    if (loaded.getCount() == 0) {
                        refresh();
                    }
                })
                .forInitialized(loaded::countDown)
                .build());
        cache.start();
        try {
            if (!loaded.await(INITIAL_LOAD.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: ZooKeeper did not list the instances within {}; following on", service, INITIAL_LOAD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refresh();
    }

    /** Adds a listener and tells it the current list at once. */
    public void subscribe(Consumer<List<ServiceInstance>> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    public void unsubscribe(Consumer<List<ServiceInstance>> listener) {
        listeners.remove(listener);
    }

    /** The list in use now. */
    public List<ServiceInstance> instances() {
        return current;
    }

    public boolean isProtecting() {
        return protecting;
    }

    private synchronized void refresh() {
        List<ServiceInstance> fresh = new ArrayList<>();
        String prefix = path + "/";
        cache.stream()
                .filter(d -> d.getPath().startsWith(prefix) && d.getPath().indexOf('/', prefix.length()) < 0)
                .forEach(d -> add(fresh, d));
        fresh.sort(Comparator.comparing(ServiceInstance::id));
        boolean was = protecting;
        List<ServiceInstance> use = guard.accept(fresh);
        protecting = guard.protecting();
        if (protecting && !was) {
            log.warn("{}: the registry lists {} of the {} instances seen lately; keeping them all for {} "
                    + "(ZooKeeper trouble is likelier than a fleet dying)", service, fresh.size(), use.size(),
                    guard.remaining());
            recheck.schedule(this::refresh, guard.remaining().toMillis() + 10, TimeUnit.MILLISECONDS);
        } else if (was && !protecting) {
            log.warn("{}: protection over, using the registry's {} instances", service, use.size());
        }
        if (!use.equals(current)) {
            current = List.copyOf(use);
            for (Consumer<List<ServiceInstance>> l : listeners) {
                try {
                    l.accept(current);
                } catch (RuntimeException e) {
                    log.warn("{}: a discovery listener failed", service, e);
                }
            }
        }
    }

    private static void add(List<ServiceInstance> out, ChildData d) {
        ServiceInstance i = d.getData() == null ? null : ServiceRegistry.decode(d.getPath(), d.getData());
        if (i != null) {
            out.add(i);
        }
    }

    @Override
    public void close() {
        recheck.shutdownNow();
        cache.close();
    }
}
