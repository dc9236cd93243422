package dev.plaza.history.data.db;

import static dev.plaza.history.data.db.HistoryDbFixture.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.DelegatingStore;
import dev.plaza.history.biz.HistoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The retention task with a fixed clock over real tables: old rows go, recent ones stay, the count is metered. */
@RequiresEngines(EngineKind.MARIADB)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryRetentionIT {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long CUTOFF = NOW.toEpochMilli() - 90 * DAY;
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private HistoryDbFixture db;

    @BeforeAll
    void open(Endpoints endpoints) throws Exception {
        db = HistoryDbFixture.fresh(endpoints, 8, "history_retention_it");
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void empty() {
        for (int t = 0; t < 8; t++) {
            String table = HistoryRouter.name(t);
            db.shards.withConnection(0, c -> c.createStatement().executeUpdate("DELETE FROM " + table));
        }
    }

    /** {@code old} records older than 90 days and {@code recent} newer ones (one of them exactly at the cutoff). */
    private void write(int old, int recent) {
        List<HistoryRecord> batch = new ArrayList<>();
        for (int i = 0; i < old; i++) {
            batch.add(rec(1 + i % 13, 1000 + i, 5, "web", CUTOFF - 1 - (long) i * DAY / 7));
        }
        batch.add(rec(1, 1, 5, "web", CUTOFF));
        for (int i = 1; i < recent; i++) {
            batch.add(rec(1 + i % 13, 5000 + i, 5, "web", NOW.toEpochMilli() - i * DAY));
        }
        db.store.upsert(batch);
    }

    @Test
    void aRunPurgesEveryOldRowInBatchesAndKeepsTheRecentOnes() {
        write(53, 20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CountingStore counting = new CountingStore(db.store);
        try (HistoryRetention retention = new HistoryRetention(counting, clock,
                new HistoryRetention.Settings(Duration.ofHours(1), Duration.ofDays(90), 10), meters)) {
            assertThat(retention.runOnce()).isEqualTo(53);
            assertThat(counting.purgeCalls.get()).as("5 full steps of 10 and a short one").isEqualTo(6);
            assertThat(meters.counter(HistoryRetention.PURGED).count()).isEqualTo(53.0);
            assertThat(db.countAll("view_at < ?", CUTOFF)).isZero();
            assertThat(db.countAll("view_at >= ?", CUTOFF)).isEqualTo(20);
            assertThat(retention.runOnce()).as("nothing left").isZero();
        }
    }

    @Test
    void theScheduleRunsEveryIntervalAndSurvivesAFailure() {
        write(25, 5);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CountingStore flaky = new CountingStore(db.store);
        flaky.failFirst = true;
        try (HistoryRetention retention = new HistoryRetention(flaky, clock,
                new HistoryRetention.Settings(Duration.ofMillis(100), Duration.ofDays(90), 5000), meters)) {
            retention.start();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(meters.counter(HistoryRetention.PURGED).count()).isEqualTo(25.0));
            assertThat(flaky.purgeCalls.get()).as("the failed run and the one after it").isGreaterThanOrEqualTo(2);

            write(7, 1); // more old rows later: the next run takes them
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(meters.counter(HistoryRetention.PURGED).count()).isEqualTo(32.0));
            assertThat(db.countAll("1 = 1")).isEqualTo(5);
        }
        int calls = flaky.purgeCalls.get();
        sleep(300);
        assertThat(flaky.purgeCalls.get()).as("stopped by close").isEqualTo(calls);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts purge calls and can fail the first one, as a database outage would. */
    private static final class CountingStore extends DelegatingStore {
        final AtomicInteger purgeCalls = new AtomicInteger();
        volatile boolean failFirst;

        CountingStore(HistoryStore delegate) {
            super(delegate);
        }

        @Override
        public int purgeBefore(long viewAtBefore, int limit) {
            if (purgeCalls.incrementAndGet() == 1 && failFirst) {
                throw new IllegalStateException("database down (test)");
            }
            return super.purgeBefore(viewAtBefore, limit);
        }
    }
}
