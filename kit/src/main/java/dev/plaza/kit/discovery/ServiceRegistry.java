package dev.plaza.kit.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this process's instances in ZooKeeper: one ephemeral znode {@code <root>/<service>/<id>} holding the
 * instance as JSON, kept by Curator's {@link PersistentNode} (re-created after a lost session, so a long GC pause
 * does not leave the instance unlisted). {@link #close()} removes them at once (a graceful stop leaves before its
 * servers drain, so callers stop sending first); a crash removes them when the session expires.
 */
public final class ServiceRegistry implements AutoCloseable {
    /** Where every service's instances are listed. */
    public static final String ROOT = "/plaza/services";
    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework zk;
    private final String root;
    private final List<PersistentNode> nodes = new ArrayList<>();

    public ServiceRegistry(CuratorFramework zk) {
        this(zk, ROOT);
    }

    public ServiceRegistry(CuratorFramework zk, String root) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The znode path of {@code service}'s instance list. */
    static String servicePath(String root, String service) {
        return root + "/" + service;
    }

    /**
     * Lists {@code instance} and waits until its znode exists.
     *
     * @throws IllegalStateException when ZooKeeper did not take it within {@code timeout}
     */
    public synchronized void register(ServiceInstance instance, Duration timeout) throws InterruptedException {
        String path = servicePath(root, instance.service()) + "/" + instance.id();
        PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, path, encode(instance));
        node.start();
        if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            closeQuietly(node);
            throw new IllegalStateException("could not register " + path + " in ZooKeeper within " + timeout);
        }
        nodes.add(node);
        log.info("registered {} ({}:{}, zone '{}', colour '{}', weight {})", path, instance.host(),
                instance.grpcPort(), instance.zone(), instance.color(), instance.weight());
    }

    /**
     * Removes every instance this registry listed. While ZooKeeper is unreachable it does not try (a delete would
     * block for the client's whole retry budget, holding up the stop): the znodes are ephemeral and go with the
     * session, which closing the client ends (the caller's next step), or ZooKeeper expires.
     */
    @Override
    public synchronized void close() {
        if (!zk.getZookeeperClient().isConnected()) {
            if (!nodes.isEmpty()) {
                log.warn("ZooKeeper is unreachable: {} instance(s) stay listed until the session ends", nodes.size());
            }
            nodes.clear();
            return;
        }
        for (PersistentNode n : nodes) {
            closeQuietly(n);
        }
        nodes.clear();
    }

    static byte[] encode(ServiceInstance i) {
        try {
            return JSON.writeValueAsBytes(i);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a record of strings and ints always writes", e);
        }
    }

    /** The instance in a znode's data, or null when the data is not one (logged: someone wrote junk there). */
    static ServiceInstance decode(String path, byte[] data) {
        try {
            return JSON.readValue(data, ServiceInstance.class);
        } catch (Exception e) {
            log.warn("ignoring {}: not a service instance ({})", path, e.getMessage());
            return null;
        }
    }

    private static void closeQuietly(PersistentNode n) {
        try {
            n.close();
        } catch (Exception e) {
            log.warn("could not remove {} from ZooKeeper; its session's end will", n.getActualPath(), e);
        }
    }
}
