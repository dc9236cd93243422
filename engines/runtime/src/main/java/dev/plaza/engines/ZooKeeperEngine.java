package dev.plaza.engines;

import java.nio.file.Path;
import java.util.List;

/** A standalone ZooKeeper server; snapshots and transaction logs in {@code zookeeper/data}. */
final class ZooKeeperEngine extends ChildJvmEngine {
    ZooKeeperEngine(Path dataDir, EngineOptions options) {
        super(EngineKind.ZOOKEEPER, dataDir, options);
    }

    @Override
    String distName() {
        return "zookeeper";
    }

    @Override
    String mainClass() {
        return "dev.plaza.engines.dist.zookeeper.ZooKeeperMain";
    }

    @Override
    List<String> prepare() {
        port = Ports.resolve(options.port(kind), "ZooKeeper");
        return List.of(Integer.toString(port), dir.toString());
    }

    @Override
    void describe(EndpointsBuilder e) {
        e.zookeeperConnect = "127.0.0.1:" + port;
    }
}
