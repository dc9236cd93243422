package dev.plaza.archive.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.api.archive.v1.StatEvent;
import dev.plaza.archive.biz.ArchiveStat;
import dev.plaza.archive.biz.ArchiveUsecase;
import dev.plaza.archive.biz.StatCounters;
import dev.plaza.kit.mq.KafkaConfig;
import dev.plaza.kit.mq.MqRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the stat consumer makes of each record, without Kafka (the flow through Kafka is in StandaloneIT). */
class StatJobTest {
    private final List<String> set = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StatJob job = new StatJob(new ArchiveUsecase(null, new StatCounters() {
        @Override
        public long incrementViews(long aid) {
            set.add(aid + " VIEW"); // the consumer never counts views: the assertions would show one
            return 1;
        }

        @Override
        public void set(long aid, Kind kind, long value) {
            set.add(aid + " " + kind + " " + value);
        }

        @Override
        public Map<Long, ArchiveStat> stats(Collection<Long> aids) {
            return Map.of();
        }
    }, mids -> Map.of()), KafkaConfig.of("127.0.0.1:1", "stat-job-test"), 1, meters, OpenTelemetry.noop());

    private static MqRecord record(byte[] value) {
        return new MqRecord(StatJob.TOPIC, 0, 7, "42", value, Map.of(), Instant.EPOCH);
    }

    private static byte[] event(StatEvent.Kind kind, long value) {
        return StatEvent.newBuilder().setAid(42).setKind(kind).setValue(value).build().toByteArray();
    }

    @Test
    void eachKindSetsItsCounterToTheTotal() {
        job.handle(record(event(StatEvent.Kind.REPLY, 3)));
        job.handle(record(event(StatEvent.Kind.DANMAKU, 12)));
        job.handle(record(event(StatEvent.Kind.REPLY, 3))); // a redelivery sets the same total again
        assertThat(set).containsExactly("42 REPLY 3", "42 DANMAKU 12", "42 REPLY 3");
    }

    @Test
    void junkAndUnknownKindsAreSkippedAndCounted() {
        job.handle(record(new byte[] {(byte) 0xff, 0x01, 0x02}));
        job.handle(record(null));
        job.handle(record(event(StatEvent.Kind.KIND_UNSPECIFIED, 5)));
        assertThat(set).isEmpty();
        assertThat(meters.counter("archive.stat.undecodable").count()).isEqualTo(3);
    }
}
