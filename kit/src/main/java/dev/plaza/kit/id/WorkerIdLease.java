package dev.plaza.kit.id;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snowflake worker id (0..1023) held as an ephemeral znode {@code <basePath>/<id>}: it exists exactly as long as
 * this process's ZooKeeper session, so a crashed process frees its id and two live processes never share one.
 *
 * <p>If the session is lost (long GC pause, partition) the znode is gone and another process may take the id:
 * {@link #isValid()} turns false for good and an ERROR is logged. The holder should then stop issuing ids (and
 * usually restart) instead of risking duplicates.
 */
public final class WorkerIdLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerIdLease.class);

    private final CuratorFramework zk;
    private final String path;
    private final long workerId;
    private final long sessionId;
    private final ConnectionStateListener listener;
    private volatile boolean lost;
    private volatile boolean closed;

    private WorkerIdLease(CuratorFramework zk, String path, long workerId, long sessionId) {
        this.zk = zk;
        this.path = path;
        this.workerId = workerId;
        this.sessionId = sessionId;
        this.listener = (client, state) -> {
            if (state == ConnectionState.LOST && !closed && !lost) {
                lost = true;
                LOG.error("SNOWFLAKE WORKER ID LEASE LOST: ZooKeeper session for {} ended; worker id {} may now be"
                        + " leased by another process. Stop issuing ids from this worker id and restart.", path,
                        workerId);
            }
        };
    }

    /**
     * Leases the lowest free worker id under {@code basePath} (created if missing).
     *
     * @param zk       a started client
     * @param basePath e.g. {@code /plaza/snowflake/comment}; one namespace per id space
     * @param timeout  for connecting and leasing together
     * @throws IllegalStateException when all 1,024 ids are taken or ZooKeeper cannot be reached in time
     */
    public static WorkerIdLease acquire(CuratorFramework zk, String basePath, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!zk.blockUntilConnected((int) Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("cannot lease a snowflake worker id under " + basePath
                    + ": ZooKeeper not connected within " + timeout);
        }
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        byte[] owner = ownerDescription().getBytes(StandardCharsets.UTF_8);
        Set<String> taken = new HashSet<>(children(zk, base));
        for (long id = 0; id <= Snowflake.MAX_WORKER_ID; id++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot lease a snowflake worker id under " + base + " within "
                        + timeout);
            }
            if (taken.contains(Long.toString(id))) {
                continue; // someone holds it; creating would only fail
            }
            String path = base + "/" + id;
            Stat stat = new Stat();
            try {
                zk.create().storingStatIn(stat).creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, owner);
            } catch (KeeperException.NodeExistsException raced) {
                continue;
            }
            WorkerIdLease lease = new WorkerIdLease(zk, path, id, stat.getEphemeralOwner());
            zk.getConnectionStateListenable().addListener(lease.listener);
            LOG.info("leased snowflake worker id {} at {}", id, path);
            return lease;
        }
        throw new IllegalStateException("all " + (Snowflake.MAX_WORKER_ID + 1) + " snowflake worker ids under "
                + base + " are leased");
    }

    public long workerId() {
        return workerId;
    }

    /** False once closed or once the ZooKeeper session that held the znode is gone. */
    public boolean isValid() {
        return !closed && !lost;
    }

    /** Deletes the znode, but only if this session still owns it: after a lost session it may be someone else's. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        zk.getConnectionStateListenable().removeListener(listener);
        if (!zk.getZookeeperClient().isConnected()) {
            // a delete would block for the client's whole retry budget; the ephemeral znode goes with the session
            LOG.warn("ZooKeeper is unreachable: snowflake worker id {} at {} is released when the session ends",
                    workerId, path);
            return;
        }
        try {
            Stat stat = zk.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == sessionId) {
                zk.delete().withVersion(stat.getVersion()).forPath(path);
                LOG.info("released snowflake worker id {} at {}", workerId, path);
            }
        } catch (KeeperException.NoNodeException gone) {
            // already gone with the session: nothing to release
        } catch (Exception e) {
            // the znode is ephemeral, so it still goes away when the session ends
            LOG.warn("could not release snowflake worker id {} at {}: {}", workerId, path, e.toString());
        }
    }

    private static List<String> children(CuratorFramework zk, String base) throws Exception {
        try {
            return zk.getChildren().forPath(base);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /** "pid@host", for an operator listing the znodes; no DNS lookup, so leasing never stalls on a resolver. */
    private static String ownerDescription() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
