package dev.plaza.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerIdLeaseTest {
    private static final String BASE = "/plaza/snowflake/test";
    private static TestingServer server;
    private CuratorFramework first;
    private CuratorFramework second;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        first = client();
        second = client();
        if (first.checkExists().forPath(BASE) != null) {
            first.delete().deletingChildrenIfNeeded().forPath(BASE);
        }
    }

    @AfterEach
    void disconnect() {
        first.close();
        second.close();
    }

    @Test
    void twoProcessesGetDifferentIdsAndClosingFreesOne() throws Exception {
        WorkerIdLease a = WorkerIdLease.acquire(first, BASE, Duration.ofSeconds(10));
        WorkerIdLease b = WorkerIdLease.acquire(second, BASE, Duration.ofSeconds(10));
        assertThat(a.workerId()).isEqualTo(0);
        assertThat(b.workerId()).isEqualTo(1);
        assertThat(first.getData().forPath(BASE + "/0")).isNotEmpty(); // who holds it, for operators

        a.close();
        assertThat(a.isValid()).isFalse();
        assertThat(first.checkExists().forPath(BASE + "/0")).isNull();

        WorkerIdLease c = WorkerIdLease.acquire(second, BASE, Duration.ofSeconds(10));
        assertThat(c.workerId()).isEqualTo(0);
        assertThat(b.isValid()).isTrue();
        b.close();
        c.close();
    }

    @Test
    void closingTheClientFreesTheId() throws Exception {
        WorkerIdLease a = WorkerIdLease.acquire(first, BASE, Duration.ofSeconds(10));
        assertThat(a.workerId()).isEqualTo(0);
        first.close(); // a crashed process: its session ends, the ephemeral znode goes

        await().atMost(Duration.ofSeconds(10)).until(() -> second.checkExists().forPath(BASE + "/0") == null);
        assertThat(WorkerIdLease.acquire(second, BASE, Duration.ofSeconds(10)).workerId()).isEqualTo(0);
    }

    @Test
    void lostSessionInvalidatesTheLeaseAndCloseDoesNotDeleteTheNewOwnersNode() throws Exception {
        // a short session so the server drops the expired session's znode quickly
        try (CuratorFramework flaky = client(2_000)) {
            WorkerIdLease a = WorkerIdLease.acquire(flaky, BASE, Duration.ofSeconds(10));
            assertThat(a.isValid()).isTrue();

            flaky.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

            await().atMost(Duration.ofSeconds(10)).until(() -> !a.isValid());
            await().atMost(Duration.ofSeconds(10)).until(() -> second.checkExists().forPath(BASE + "/0") == null);
            WorkerIdLease b = WorkerIdLease.acquire(second, BASE, Duration.ofSeconds(10));
            assertThat(b.workerId()).isEqualTo(0);

            flaky.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS);
            a.close(); // must not delete b's znode
            assertThat(second.checkExists().forPath(BASE + "/0")).isNotNull();
            assertThat(b.isValid()).isTrue();
            b.close();
        }
    }

    private static CuratorFramework client() {
        return client(10_000);
    }

    private static CuratorFramework client(int sessionTimeoutMs) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).build();
        client.start();
        return client;
    }
}
