package dev.plaza.engines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Kafka 4 in KRaft mode: one combined broker+controller with a static voter set, replication factors 1. Log segments
 * and metadata in {@code kafka/data}, formatted only on the first start (the child checks {@code meta.properties}).
 */
final class KafkaEngine extends ChildJvmEngine {
    private int controllerPort;

    KafkaEngine(Path dataDir, EngineOptions options) {
        super(EngineKind.KAFKA, dataDir, options);
    }

    @Override
    String distName() {
        return "kafka";
    }

    @Override
    String mainClass() {
        return "dev.plaza.engines.dist.kafka.KafkaMain";
    }

    @Override
    List<String> prepare() throws Exception {
        port = Ports.resolve(options.port(kind), "the Kafka broker");
        controllerPort = Ports.free();
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        String props = String.join("\n",
                "# written by plaza-engines at every start; edits are lost",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=8",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=8",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.cleaner.dedupe.buffer.size=8388608",
                "num.network.threads=2",
                "num.io.threads=4",
                "background.threads=4",
                "num.recovery.threads.per.data.dir=1",
                "log.retention.hours=168",
                "") ;
        Path config = dir.resolve("server.properties");
        Files.writeString(config, props);
        return List.of(config.toString(), "127.0.0.1:" + port);
    }

    @Override
    void describe(EndpointsBuilder e) {
        e.kafkaBootstrap = "127.0.0.1:" + port;
    }
}
