package dev.plaza.archive;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.archive.server.ArchiveServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code archive-events} from the beginning with a plain consumer (no group), keeping every event seen. */
final class EventTap implements AutoCloseable {
    record Seen(String key, ArchiveEvent event, Map<String, String> headers, int partition) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Seen> seen = new ArrayList<>();

    EventTap(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Waits for the topic (the relay creates it on start) and assigns all of its partitions from offset 0. */
    EventTap attach(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var infos = consumer.partitionsFor(ArchiveServer.EVENTS_TOPIC, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> parts = infos.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + ArchiveServer.EVENTS_TOPIC + " did not appear");
            }
            Thread.sleep(100);
        }
    }

    /** Polls until {@code n} events match (or the time is up) and returns the matching ones in order of arrival. */
    List<Seen> await(Predicate<Seen> match, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Seen> hits = seen.stream().filter(match).toList();
            if (hits.size() >= n || System.nanoTime() > deadline) {
                return hits;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                Map<String, String> headers = new java.util.HashMap<>();
                for (Header h : r.headers()) {
                    headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                }
                try {
                    seen.add(new Seen(r.key(), ArchiveEvent.parseFrom(r.value()), headers, r.partition()));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("not an ArchiveEvent at offset " + r.offset(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
