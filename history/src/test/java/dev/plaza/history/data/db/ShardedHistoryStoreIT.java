package dev.plaza.history.data.db;

import static dev.plaza.history.data.db.HistoryDbFixture.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store on real MariaDB, 8 tables in one database: newest wins, idempotent batches, routing, paging, deletes and
 * the purge. Every test uses its own users; view times are at least {@link #BASE} except the purge test's, which are
 * far below it, so its purges cannot touch another test's rows.
 */
@RequiresEngines(EngineKind.MARIADB)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedHistoryStoreIT {
    private static final int TABLES = 8;
    private static final long BASE = 1_700_000_000_000L;
    /** Added to a mid: another user in the same table, far from the mids {@link #newMid} hands out. */
    private static final long NEIGHBOUR = TABLES * 1_000_000_000L;
    private static final AtomicLong MIDS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 1000);
    private HistoryDbFixture db;
    private ShardedHistoryStore store;

    @BeforeAll
    void open(Endpoints endpoints) throws Exception {
        db = HistoryDbFixture.fresh(endpoints, TABLES, "history_store_it");
        store = db.store;
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static long newMid() {
        return MIDS.incrementAndGet();
    }

    private HistoryRecord stored(long mid, long aid) {
        return store.list(mid, 0, null, 1000).stream().filter(r -> r.kid().equals(Kid.archive(aid))).findFirst()
                .orElse(null);
    }

    @Test
    void upsertThenListNewestFirst() {
        long mid = newMid();
        HistoryRecord a = new HistoryRecord(new HistoryKey(mid, Kid.archive(170001)), 11, 30, "web", BASE + 1_000);
        HistoryRecord b = new HistoryRecord(new HistoryKey(mid, new Kid(Business.PGC, 5)), 0, HistoryRecord.FINISHED,
                "android", BASE + 3_000);
        HistoryRecord c = new HistoryRecord(new HistoryKey(mid, new Kid(Business.LIVE, 77)), 0, 0, "", BASE + 2_000);
        HistoryRecord otherUser = rec(mid + NEIGHBOUR, 170001, 1, "web", BASE + 5_000); // same table

        assertThat(store.upsert(List.of(a, b, c, otherUser))).as("four inserts").isEqualTo(4);

        assertThat(store.list(mid, 0, null, 10)).containsExactly(b, c, a);
        assertThat(store.list(mid, 0, null, 2)).containsExactly(b, c);
        assertThat(store.list(newMid(), 0, null, 10)).isEmpty();
        assertThat(store.list(mid, 0, null, 0)).isEmpty();
        assertThat(store.upsert(List.of())).isZero();
        assertThatThrownBy(() -> store.list(0, 0, null, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newestWinsAndALateOlderRecordChangesNothing() throws Exception {
        long mid = newMid();
        assertThat(store.upsert(List.of(rec(mid, 1, 50, "web", BASE + 2_000)))).isEqualTo(1);
        List<Map<String, Object>> before = db.rowsOf(mid);
        Thread.sleep(5); // a changed mtime would show

        // the report from before arrives late (a redelivered or reordered batch): it must not move the user back
        assertThat(store.upsert(List.of(rec(mid, 1, 10, "ios", BASE + 1_000)))).as("unchanged").isZero();
        assertThat(db.rowsOf(mid)).isEqualTo(before);
        assertThat(stored(mid, 1)).isEqualTo(rec(mid, 1, 50, "web", BASE + 2_000));

        assertThat(store.upsert(List.of(rec(mid, 1, 70, "android", BASE + 3_000)))).as("MySQL counts an update 2")
                .isEqualTo(2);
        assertThat(stored(mid, 1)).isEqualTo(rec(mid, 1, 70, "android", BASE + 3_000));
        assertThat(db.rowsOf(mid).getFirst().get("mtime")).isNotEqualTo(before.getFirst().get("mtime"));
    }

    @Test
    void anEqualViewAtReplacesLastWriteWinsOnTies() throws Exception {
        long mid = newMid();
        store.upsert(List.of(rec(mid, 1, 50, "web", BASE + 2_000)));
        assertThat(store.upsert(List.of(rec(mid, 1, 60, "android", BASE + 2_000)))).isEqualTo(2);
        assertThat(stored(mid, 1)).isEqualTo(rec(mid, 1, 60, "android", BASE + 2_000));

        // the same record again (a redelivery) is a tie that changes no value: the row is left alone
        List<Map<String, Object>> before = db.rowsOf(mid);
        Thread.sleep(5);
        assertThat(store.upsert(List.of(rec(mid, 1, 60, "android", BASE + 2_000)))).isZero();
        assertThat(db.rowsOf(mid)).isEqualTo(before);

        // platform compares exactly (utf8mb4_bin): a change of case is a change
        assertThat(store.upsert(List.of(rec(mid, 1, 60, "Android", BASE + 2_000)))).isEqualTo(2);
        assertThat(stored(mid, 1).platform()).isEqualTo("Android");
    }

    @Test
    void ofSeveralRecordsOfOneKeyInABatchTheNewestIsWritten() {
        long mid = newMid();
        List<HistoryRecord> batch = List.of(
                rec(mid, 1, 1, "web", BASE + 1_000),
                rec(mid, 1, 3, "web", BASE + 3_000),
                rec(mid, 2, 9, "web", BASE + 500),
                rec(mid, 1, 2, "web", BASE + 2_000), // older, arrives after the newest
                rec(mid, 1, 4, "ios", BASE + 3_000)); // a tie: the later one wins
        assertThat(store.upsert(batch)).as("two keys, two inserts").isEqualTo(2);
        assertThat(store.list(mid, 0, null, 10)).containsExactly(
                rec(mid, 1, 4, "ios", BASE + 3_000),
                rec(mid, 2, 9, "web", BASE + 500));
        assertThat(store.upsert(batch)).as("redelivered").isZero();
    }

    @Test
    void aBigBatchLandsInTheTableOfEachMidAndASecondIdenticalOneChangesNothing() throws Exception {
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            mids.add(newMid());
        }
        List<HistoryRecord> batch = new ArrayList<>();
        Random random = new Random(42);
        for (long mid : mids) {
            for (int k = 1; k <= 5; k++) {
                batch.add(rec(mid, Business.values()[k % 4], k, random.nextInt(3600),
                        BASE + random.nextInt(1_000_000_000)));
            }
        }
        Collections.shuffle(batch, random);
        assertThat(store.upsert(batch)).isEqualTo(2_000);

        long lo = mids.getFirst();
        long hi = mids.getLast();
        Map<Integer, List<Map<String, Object>>> snapshot = new java.util.TreeMap<>();
        long total = 0;
        for (int t = 0; t < TABLES; t++) {
            List<Map<String, Object>> rows = db.rows(t, "mid BETWEEN ? AND ?", lo, hi);
            for (Map<String, Object> row : rows) {
                assertThat(Math.floorMod((Long) row.get("mid"), TABLES)).as("table of mid %s", row.get("mid"))
                        .isEqualTo(t);
            }
            snapshot.put(t, rows);
            total += rows.size();
        }
        assertThat(total).isEqualTo(2_000);
        assertThat(snapshot.values()).allSatisfy(rows -> assertThat(rows).hasSizeBetween(150, 350));
        for (HistoryRecord r : batch.subList(0, 50)) {
            assertThat(store.list(r.mid(), 0, null, 10)).hasSize(5).contains(r);
        }

        Thread.sleep(5);
        Collections.shuffle(batch, random);
        assertThat(store.upsert(batch)).as("a redelivered batch").isZero();
        for (int t = 0; t < TABLES; t++) {
            assertThat(db.rows(t, "mid BETWEEN ? AND ?", lo, hi)).as("table %s", t).isEqualTo(snapshot.get(t));
        }
    }

    @Test
    void oneUsersRecordsBeyondAChunkAreAllWritten() {
        long mid = newMid();
        List<HistoryRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 1_234; i++) {
            batch.add(rec(mid, i, i, "web", BASE + i));
        }
        assertThat(store.upsert(batch)).isEqualTo(1_234);
        assertThat(db.countAll("mid = ?", mid)).isEqualTo(1_234);
        List<HistoryRecord> newer = batch.stream().map(r -> rec(mid, r.kid().id(), 1, "web", r.viewAt() + 10_000))
                .toList();
        assertThat(store.upsert(newer)).as("every row updated, counted 2 each").isEqualTo(2 * 1_234);
        assertThat(store.list(mid, 0, null, 5_000)).containsExactlyElementsOf(
                newer.stream().sorted(Comparator.comparingLong(HistoryRecord::viewAt).reversed()).toList());
    }

    @Test
    void cursorPagesHaveNoOverlapAndNoGap() {
        long mid = newMid();
        List<HistoryRecord> all = new ArrayList<>();
        Random random = new Random(7);
        Set<Long> times = new HashSet<>();
        for (int i = 1; i <= 95; i++) {
            long at;
            do {
                at = BASE + random.nextInt(10_000_000);
            } while (!times.add(at));
            all.add(rec(mid, Business.values()[i % 4], i, i, at));
        }
        store.upsert(all);
        List<HistoryRecord> expected = all.stream().sorted(Comparator.comparingLong(HistoryRecord::viewAt).reversed())
                .toList();

        List<HistoryRecord> seen = new ArrayList<>();
        long cursor = 0;
        int pages = 0;
        while (true) {
            List<HistoryRecord> page = store.list(mid, cursor, null, 10);
            if (page.isEmpty()) {
                break;
            }
            pages++;
            assertThat(page.size()).isLessThanOrEqualTo(10);
            seen.addAll(page);
            cursor = page.getLast().viewAt();
        }
        assertThat(pages).isEqualTo(10);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aBusinessFilterListsOnlyThatBusinessNewestFirst() {
        long mid = newMid();
        List<HistoryRecord> all = new ArrayList<>();
        for (int i = 1; i <= 24; i++) {
            all.add(rec(mid, Business.values()[i % 4], i, i, BASE + i * 1_000L));
        }
        store.upsert(all);
        List<HistoryRecord> pgc = all.stream().filter(r -> r.kid().business() == Business.PGC)
                .sorted(Comparator.comparingLong(HistoryRecord::viewAt).reversed()).toList();
        assertThat(pgc).hasSize(6);

        assertThat(store.list(mid, 0, Business.PGC, 100)).containsExactlyElementsOf(pgc);
        List<HistoryRecord> first = store.list(mid, 0, Business.PGC, 4);
        assertThat(first).containsExactlyElementsOf(pgc.subList(0, 4));
        assertThat(store.list(mid, first.getLast().viewAt(), Business.PGC, 4)).containsExactlyElementsOf(
                pgc.subList(4, 6));
        assertThat(store.list(mid, 0, null, 100)).hasSize(24);
    }

    @Test
    void deleteRemovesOnlyTheGivenKidsOfTheUser() {
        long mid = newMid();
        long neighbour = mid + NEIGHBOUR; // same table
        store.upsert(List.of(
                rec(mid, Business.ARCHIVE, 1, 1, BASE + 1_000),
                rec(mid, Business.ARCHIVE, 2, 1, BASE + 2_000),
                rec(mid, Business.PGC, 1, 1, BASE + 3_000),
                rec(mid, Business.LIVE, 3, 1, BASE + 4_000),
                rec(neighbour, Business.ARCHIVE, 1, 1, BASE + 1_000)));

        store.delete(mid, List.of(Kid.archive(1), new Kid(Business.LIVE, 3), Kid.archive(999), Kid.archive(1)));
        assertThat(store.list(mid, 0, null, 10)).extracting(HistoryRecord::kid)
                .containsExactly(new Kid(Business.PGC, 1), Kid.archive(2));
        assertThat(store.list(neighbour, 0, null, 10)).extracting(HistoryRecord::kid).containsExactly(Kid.archive(1));
        store.delete(mid, List.of()); // nothing to do
        assertThat(store.list(mid, 0, null, 10)).hasSize(2);
    }

    @Test
    void clearRemovesEverythingOfTheUserOnly() {
        long mid = newMid();
        long neighbour = mid + NEIGHBOUR;
        List<HistoryRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            batch.add(rec(mid, i, i, "web", BASE + i));
        }
        batch.add(rec(neighbour, 1, 1, "web", BASE));
        store.upsert(batch);

        store.clear(mid);
        assertThat(store.list(mid, 0, null, 100)).isEmpty();
        assertThat(db.countAll("mid = ?", mid)).isZero();
        assertThat(store.list(neighbour, 0, null, 100)).hasSize(1);
        store.clear(mid); // again: nothing left, no error
    }

    @Test
    void purgeBeforeDeletesExactlyTheOldRowsInStepsOfAtMostTheLimit() {
        long cutoff = 100_000; // far below BASE: only this test's old rows are older
        List<HistoryRecord> batch = new ArrayList<>();
        List<Long> mids = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            long mid = newMid();
            mids.add(mid);
            for (int k = 1; k <= 3; k++) {
                batch.add(rec(mid, k, 1, "web", cutoff - 1 - u * 10 - k)); // 30 old rows over several tables
            }
            batch.add(rec(mid, 100, 1, "web", cutoff)); // exactly at the cutoff: kept
        }
        store.upsert(batch);
        long lo = mids.getFirst();
        long hi = mids.getLast();
        assertThat(db.countAll("mid BETWEEN ? AND ? AND view_at < ?", lo, hi, cutoff)).isEqualTo(30);

        assertThat(store.purgeBefore(cutoff, 7)).isEqualTo(7);
        assertThat(db.countAll("view_at < ?", cutoff)).isEqualTo(23);
        List<Integer> steps = new ArrayList<>();
        int n;
        do {
            n = store.purgeBefore(cutoff, 7);
            steps.add(n);
        } while (n == 7);
        assertThat(steps).containsExactly(7, 7, 7, 2);
        assertThat(db.countAll("view_at < ?", cutoff)).isZero();
        assertThat(store.purgeBefore(cutoff, 7)).isZero();
        assertThat(db.countAll("mid BETWEEN ? AND ?", lo, hi)).as("the rows at the cutoff stay").isEqualTo(10);
        assertThat(db.countAll("view_at >= ?", BASE)).as("other tests' rows stay").isPositive();
        assertThat(store.purgeBefore(cutoff, 0)).isZero();
    }
}
