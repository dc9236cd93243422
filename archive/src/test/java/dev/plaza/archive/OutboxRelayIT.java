package dev.plaza.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.server.ArchiveServer;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The transactional outbox: events reach Kafka, rows go only after the ack, and nothing is lost while Kafka is away. */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA})
class OutboxRelayIT {
    private static final String MEDIA = "https://cdn.example.com/e.mp4";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void createdEventReachesKafkaAndTheRowIsDeletedAfter(Endpoints endpoints) throws Exception {
        try (ArchiveTestStack stack = ArchiveTestStack.start(endpoints, "arc_outbox_it", 3, endpoints.kafkaBootstrap());
             EventTap tap = new EventTap(endpoints.kafkaBootstrap()).attach(WAIT)) {
            String title = "event " + UUID.randomUUID();
            long t0 = System.currentTimeMillis();
            // the request's trace continues on the event: the traceparent rides in the outbox row to a Kafka header
            SpanContext request = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                    TraceFlags.getSampled(), TraceState.getDefault());
            Scope scope = Span.wrap(request).makeCurrent();
            Archive a;
            try {
                a = stack.archive().usecase().add(31, title, "d", 42, "https://img.example.com/e.jpg", MEDIA);
            } finally {
                scope.close();
            }
            long aid = a.aid();

            List<EventTap.Seen> seen = tap.await(s -> s.event().getArchive().getTitle().equals(title), 1, WAIT);
            assertThat(seen).hasSize(1);
            EventTap.Seen s = seen.get(0);
            assertThat(s.key()).isEqualTo(Long.toString(a.aid()));
            assertThat(s.headers()).containsEntry("plaza-event-kind", "CREATED")
                    .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            ArchiveEvent e = s.event();
            assertThat(e.getKind()).isEqualTo(ArchiveEvent.Kind.CREATED);
            assertThat(e.getEventTime()).isBetween(t0 - 1_000, System.currentTimeMillis());
            assertThat(e.getArchive()).isEqualTo(ArchiveInfo.newBuilder()
                    .setAid(a.aid()).setCid(a.cid()).setTitle(title).setDesc("d").setDuration(42)
                    .setCover("https://img.example.com/e.jpg").setMediaUrl(MEDIA).setOwnerMid(31)
                    .setPubdate(a.pubdate().getEpochSecond()).build());

            await().atMost(WAIT).until(() -> stack.count("archive_outbox WHERE aid = ?", aid) == 0);
            assertThat(stack.meters().counter("archive.outbox.published").count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void withoutARelayEventsWaitAndAreDeliveredWhenOneStarts(Endpoints endpoints) throws Exception {
        try (ArchiveTestStack stack = ArchiveTestStack.start(endpoints, "arc_outbox_wait_it", 4, null);
             EventTap tap = new EventTap(endpoints.kafkaBootstrap())) {
            String prefix = "waiting " + UUID.randomUUID() + " ";
            for (int i = 0; i < 3; i++) {
                stack.archive().usecase().add(32, prefix + i, "", 1, "", MEDIA);
            }
            Thread.sleep(500);
            assertThat(stack.archive().pendingEvents()).isEqualTo(3);

            ArchiveServer relaying = stack.startArchive("arc_outbox_wait_it", endpoints.kafkaBootstrap());
            tap.attach(WAIT);
            assertThat(tap.await(s -> s.event().getArchive().getTitle().startsWith(prefix), 3, WAIT)).hasSize(3);
            await().atMost(WAIT).until(() -> relaying.pendingEvents() == 0);
        }
    }

    @Test
    void anUnreachableBrokerKeepsRowsAndRetriesWithBackoff(Endpoints endpoints) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (ArchiveTestStack stack = ArchiveTestStack.start(endpoints, "arc_outbox_down_it", 5, null);
             EventTap tap = new EventTap(endpoints.kafkaBootstrap())) {
            String title = "kafka away " + UUID.randomUUID();
            ArchiveServer unlucky = stack.startArchive("arc_outbox_down_it", "127.0.0.1:" + closedPort);
            Archive a = unlucky.usecase().add(33, title, "", 1, "", MEDIA);
            // the send fails (no broker metadata within max.block.ms); the row stays, with an attempt and an error
            await().atMost(Duration.ofSeconds(40)).until(() ->
                    stack.count("archive_outbox WHERE aid = ? AND attempts >= 1 AND last_error <> ''", a.aid()) == 1);
            assertThat(stack.meters().counter("archive.outbox.failed").count()).isGreaterThanOrEqualTo(1);
            unlucky.close();
            assertThat(stack.count("archive_outbox WHERE aid = ?", a.aid())).isEqualTo(1);

            // a relay that can reach Kafka delivers it
            ArchiveServer healthy = stack.startArchive("arc_outbox_down_it", endpoints.kafkaBootstrap());
            tap.attach(WAIT);
            assertThat(tap.await(s -> s.event().getArchive().getTitle().equals(title), 1, WAIT)).hasSize(1);
            await().atMost(WAIT).until(() -> healthy.pendingEvents() == 0);
        }
    }

    @Test
    void twoRelaysOnOneDatabasePublishEachEventOnce(Endpoints endpoints) throws Exception {
        try (ArchiveTestStack stack = ArchiveTestStack.start(endpoints, "arc_outbox_two_it", 6, endpoints.kafkaBootstrap());
             EventTap tap = new EventTap(endpoints.kafkaBootstrap()).attach(WAIT)) {
            ArchiveServer second = stack.startArchive("arc_outbox_two_it", endpoints.kafkaBootstrap());
            String prefix = "pair " + UUID.randomUUID() + " ";
            List<Long> aids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ArchiveServer via = i % 2 == 0 ? stack.archive() : second;
                aids.add(via.usecase().add(34, prefix + i, "", 1, "", MEDIA).aid());
            }
            assertThat(tap.await(s -> s.event().getArchive().getTitle().startsWith(prefix), 30, WAIT)).hasSize(30);
            await().atMost(WAIT).until(() -> second.pendingEvents() == 0);
            // give a duplicate, if any, time to show up
            List<EventTap.Seen> all = tap.await(s -> s.event().getArchive().getTitle().startsWith(prefix), 31,
                    Duration.ofSeconds(2));
            Set<String> keys = new HashSet<>();
            all.forEach(s -> keys.add(s.key()));
            assertThat(all).hasSize(30);
            assertThat(keys).containsExactlyInAnyOrderElementsOf(aids.stream().map(String::valueOf).toList());
        }
    }
}
