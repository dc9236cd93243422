package dev.plaza.im.pm.data.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.NewMessage;
import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.im.pm.biz.Session;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.db.TableShards;
import dev.plaza.kit.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The three private-message stores on real MariaDB: two databases (two names on one server) with 4 tables, so
 * tables 0 and 2 live in one database and 1 and 3 in the other; the tests pick conversations and users on both.
 * Every test uses its own users, so the tests do not see each other's rows (except the sweep, which asserts only
 * about its own conversations).
 */
@RequiresEngines(EngineKind.MARIADB)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PmStoreIT {
    private static final String DB_A = "pm_store_it_a";
    private static final String DB_B = "pm_store_it_b";
    private static final int TABLES = 4;
    private static final long T0 = 1_700_000_000_000L;

    private final AtomicLong mids = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000) * 1000);
    private final AtomicLong keys = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50));
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
    private Endpoints endpoints;
    private PmShards shards;
    private TableShards router;
    private ShardedMessageStore messages;
    private ShardedSessionStore sessions;
    private ShardedBlockList blocks;

    @BeforeAll
    void open(Endpoints endpoints) throws Exception {
        this.endpoints = endpoints;
        endpoints.dropDatabase(DB_A);
        endpoints.dropDatabase(DB_B);
        shards = PmShards.open(config(TABLES, DB_A, DB_B), new SimpleMeterRegistry());
        router = shards.router();
        messages = new ShardedMessageStore(shards, clock);
        sessions = new ShardedSessionStore(shards);
        blocks = new ShardedBlockList(shards, clock);
    }

    @AfterAll
    void close() {
        if (shards != null) {
            shards.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ layout

    @Test
    void eachDatabaseHoldsEveryOtherTableOfEachFamily() {
        assertThat(shards.isHealthy()).isTrue();
        assertThat(tables(0)).containsExactly("pm_block_00", "pm_block_02", "pm_conv_00", "pm_conv_02",
                "pm_msg_00", "pm_msg_02", "pm_session_00", "pm_session_02", "pm_shards");
        assertThat(tables(1)).containsExactly("pm_block_01", "pm_block_03", "pm_conv_01", "pm_conv_03",
                "pm_msg_01", "pm_msg_03", "pm_session_01", "pm_session_03", "pm_shards");
    }

    @Test
    void reopeningWithOtherCountsFailsAndTheSameCountsFindTheRows() {
        ConversationId conv = conversationIn(1);
        PrivateMessage m = messages.append(text(conv.lo(), conv.hi(), "kept"));

        assertThatThrownBy(() -> PmShards.open(config(8, DB_A, DB_B), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tables=4")
                .hasMessageContaining("tables=8")
                .hasMessageContaining("im.pm.db");
        assertThatThrownBy(() -> PmShards.open(config(4, DB_A), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("databases=2")
                .hasMessageContaining("databases=1");

        try (PmShards again = PmShards.open(config(TABLES, DB_A, DB_B), new SimpleMeterRegistry())) {
            assertThat(new ShardedMessageStore(again, clock).after(conv, 0, 10)).containsExactly(m);
        }
    }

    // --------------------------------------------------------------------------------------------- messages

    @Test
    void concurrentAppendsToOneConversationAreNumberedWithoutGaps() throws Exception {
        int threads = 8;
        int each = 20;
        for (int db = 0; db < 2; db++) {
            ConversationId conv = conversationIn(db);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<PrivateMessage>>> work = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    boolean fromLo = t % 2 == 0;
                    work.add(pool.submit(() -> {
                        start.await();
                        List<PrivateMessage> out = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            out.add(fromLo ? messages.append(text(conv.lo(), conv.hi(), "x" + i))
                                    : messages.append(text(conv.hi(), conv.lo(), "y" + i)));
                        }
                        return out;
                    }));
                }
                start.countDown();
                List<PrivateMessage> answered = new ArrayList<>();
                for (Future<List<PrivateMessage>> f : work) {
                    answered.addAll(f.get());
                }
                int n = threads * each;
                List<Long> seqnos = new ArrayList<>(answered.stream().map(PrivateMessage::seqno).toList());
                Collections.sort(seqnos);
                assertThat(seqnos).as("database %d", db).isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());

                List<PrivateMessage> stored = messages.after(conv, 0, 1000);
                assertThat(stored).hasSize(n);
                assertThat(stored).extracting(PrivateMessage::seqno)
                        .isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());
                assertThat(new HashSet<>(stored)).isEqualTo(new HashSet<>(answered));
                assertThat(messages.maxSeqno(conv)).isEqualTo(n);
                // each key once, in the conversation's table of its database and nowhere else
                int table = router.table(conv.shardKey());
                assertThat(count(db, "SELECT COUNT(DISTINCT msg_key) FROM " + TableShards.name("pm_msg", table)
                        + " WHERE lo_mid = ? AND hi_mid = ?", conv.lo(), conv.hi())).isEqualTo(n);
                assertThat(countEverywhere("pm_msg", "lo_mid = ?", conv.lo())).isEqualTo(n);
            }
        }
    }

    @Test
    void pagesAfterAndBeforeAndFindsByKey() {
        ConversationId conv = conversationIn(0);
        List<PrivateMessage> sent = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            sent.add(i % 3 == 0 ? messages.append(text(conv.hi(), conv.lo(), "reply " + i))
                    : messages.append(text(conv.lo(), conv.hi(), "hi 😀 " + i)));
        }
        assertThat(sent).extracting(PrivateMessage::seqno).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

        assertThat(messages.after(conv, 0, 4)).containsExactlyElementsOf(sent.subList(0, 4));
        assertThat(messages.after(conv, 4, 4)).containsExactlyElementsOf(sent.subList(4, 8));
        assertThat(messages.after(conv, 8, 4)).containsExactlyElementsOf(sent.subList(8, 10));
        assertThat(messages.after(conv, 10, 4)).isEmpty();
        assertThat(messages.before(conv, Long.MAX_VALUE, 3)).containsExactly(sent.get(9), sent.get(8), sent.get(7));
        assertThat(messages.before(conv, 8, 3)).containsExactly(sent.get(6), sent.get(5), sent.get(4));
        assertThat(messages.before(conv, 2, 3)).containsExactly(sent.get(0));
        assertThat(messages.before(conv, 1, 3)).isEmpty();
        assertThat(messages.after(conv, 0, 0)).isEmpty();

        PrivateMessage fifth = sent.get(4);
        assertThat(messages.byKey(conv, fifth.msgKey())).contains(fifth);
        assertThat(fifth.content()).isEqualTo("{\"content\":\"hi 😀 5\"}");
        assertThat(messages.byKey(conv, keys.incrementAndGet())).isEmpty();
        assertThat(messages.byKey(conversationIn(0), fifth.msgKey())).as("another conversation").isEmpty();
        assertThat(messages.maxSeqno(conversationIn(1))).as("never used").isZero();
    }

    @Test
    void recallMarksTheOriginalAndAppendsTheNoticeOnce() {
        ConversationId conv = conversationIn(1);
        PrivateMessage first = messages.append(text(conv.lo(), conv.hi(), "oops"));
        PrivateMessage second = messages.append(text(conv.hi(), conv.lo(), "what?"));

        Optional<PrivateMessage> notice = messages.recall(conv, first.msgKey(), recall(conv.lo(), conv.hi(), first));
        assertThat(notice).isPresent();
        assertThat(notice.get().seqno()).isEqualTo(3);
        assertThat(notice.get().msgType()).isEqualTo(PrivateMessage.TYPE_RECALL);
        assertThat(notice.get().content()).isEqualTo(Long.toString(first.msgKey()));
        assertThat(messages.byKey(conv, first.msgKey()).orElseThrow().status())
                .isEqualTo(PrivateMessage.STATUS_RECALLED);
        assertThat(messages.byKey(conv, second.msgKey()).orElseThrow().status()).isEqualTo(PrivateMessage.STATUS_NORMAL);
        assertThat(messages.after(conv, 0, 10)).extracting(PrivateMessage::seqno).containsExactly(1L, 2L, 3L);
        assertThat(messages.after(conv, 2, 10)).containsExactly(notice.get());

        assertThat(messages.recall(conv, first.msgKey(), recall(conv.lo(), conv.hi(), first)))
                .as("already recalled").isEmpty();
        assertThat(messages.recall(conv, keys.incrementAndGet(), recall(conv.lo(), conv.hi(), first)))
                .as("no such message").isEmpty();
        assertThat(messages.maxSeqno(conv)).as("nothing written").isEqualTo(3);
        assertThat(messages.after(conv, 0, 10)).hasSize(3);

        ConversationId empty = conversationIn(0);
        assertThat(messages.recall(empty, first.msgKey(), recall(empty.lo(), empty.hi(), first))).isEmpty();
        assertThat(messages.maxSeqno(empty)).isZero();
        assertThatThrownBy(() -> messages.recall(empty, first.msgKey(), recall(conv.lo(), conv.hi(), first)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsTheSendersUnrecalledTextsAfterASeqno() {
        ConversationId conv = conversationIn(0);
        long a = conv.lo();
        long b = conv.hi();
        PrivateMessage a1 = messages.append(text(a, b, "1"));
        messages.append(text(b, a, "2"));
        messages.append(text(a, b, "3"));
        messages.append(text(a, b, "4"));
        messages.recall(conv, a1.msgKey(), recall(a, b, a1)).orElseThrow(); // seqno 5

        assertThat(messages.countUnread(conv, a, 0, 5)).as("a's 3 and 4; the recalled 1 and the notice not")
                .isEqualTo(2);
        assertThat(messages.countUnread(conv, a, 3, 5)).isEqualTo(1);
        assertThat(messages.countUnread(conv, a, 5, 5)).isZero();
        assertThat(messages.countUnread(conv, b, 0, 5)).isEqualTo(1);
        assertThat(messages.countUnread(conv, b, 2, 5)).isZero();
        assertThat(messages.countUnread(conv, a, 0, 3)).as("through 3 only: 1 (its recall at 5 not yet applied) and 3")
                .isEqualTo(2);
        assertThat(messages.countUnread(conv, a, 1, 3)).isEqualTo(1);
    }

    @Test
    void theDeliveryCursorNeverMovesBack() {
        ConversationId conv = conversationIn(1);
        assertThat(messages.deliveredSeqno(conv)).isZero();
        for (int i = 0; i < 5; i++) {
            messages.append(text(conv.lo(), conv.hi(), "m" + i));
        }
        assertThat(messages.deliveredSeqno(conv)).isZero();
        messages.markDelivered(conv, 3);
        assertThat(messages.deliveredSeqno(conv)).isEqualTo(3);
        messages.markDelivered(conv, 2);
        assertThat(messages.deliveredSeqno(conv)).isEqualTo(3);
        messages.markDelivered(conv, 5);
        assertThat(messages.deliveredSeqno(conv)).isEqualTo(5);
        assertThat(messages.maxSeqno(conv)).isEqualTo(5);
    }

    @Test
    void theSweepFindsLaggingConversationsOnlyAfterTheQuietTime() {
        // its own clock, days after everyone else's: the other tests' conversations lag too, and are older
        MutableClock later = new MutableClock(Instant.ofEpochMilli(T0).plus(Duration.ofDays(30)));
        ShardedMessageStore store = new ShardedMessageStore(shards, later);
        ConversationId onA = conversationIn(0);
        ConversationId onB = conversationIn(1);
        ConversationId delivered = conversationIn(1);
        store.append(text(onA.lo(), onA.hi(), "a"));
        store.append(text(onB.hi(), onB.lo(), "b"));
        store.append(text(delivered.lo(), delivered.hi(), "c"));
        store.markDelivered(delivered, 1);

        later.advance(Duration.ofSeconds(4));
        assertThat(store.undelivered(5_000, 1000)).doesNotContain(onA, onB, delivered);

        later.advance(Duration.ofSeconds(2));
        List<ConversationId> lagging = store.undelivered(5_000, 1000);
        assertThat(lagging).contains(onA, onB).doesNotContain(delivered);
        assertThat(new HashSet<>(lagging)).as("each once").hasSameSizeAs(lagging);

        store.markDelivered(onA, 1);
        store.append(text(onB.lo(), onB.hi(), "b again")); // a fresh change restarts the quiet time
        assertThat(store.undelivered(5_000, 1000)).doesNotContain(onA, onB, delivered);
        later.advance(Duration.ofSeconds(6));
        assertThat(store.undelivered(5_000, 1000)).contains(onB).doesNotContain(onA, delivered);
        assertThat(store.undelivered(5_000, 0)).isEmpty();
    }

    // --------------------------------------------------------------------------------------------- sessions

    @Test
    void applyIsIdempotentSkipsOlderSeqnosAndCountsRecallsAboveTheAck() {
        long owner = midIn(0);
        long talker = midIn(1);
        PrivateMessage m1 = stored(talker, owner, 1, T0 + 1);
        PrivateMessage m2 = stored(talker, owner, 2, T0 + 2);
        PrivateMessage m3 = stored(owner, talker, 3, T0 + 3);

        assertThat(sessions.apply(owner, talker, m1, 1, 1)).isTrue();
        assertThat(sessions.apply(owner, talker, m1, 1, 1)).as("redelivery").isFalse();
        Session s = sessions.get(owner, talker).orElseThrow();
        assertThat(s).isEqualTo(new Session(owner, talker, 1, 0, 1, (T0 + 1) * 1000, 0, m1));

        assertThat(sessions.apply(owner, talker, m2, 1, 2)).isTrue();
        assertThat(sessions.apply(owner, talker, m3, 0, 3)).isTrue();
        assertThat(sessions.apply(owner, talker, m2, 1, 2)).as("older than the newest applied").isFalse();
        s = sessions.get(owner, talker).orElseThrow();
        assertThat(s.unread()).isEqualTo(2);
        assertThat(s.maxSeqno()).isEqualTo(3);
        assertThat(s.lastMsg()).isEqualTo(m3);
        assertThat(s.tsMicros()).isEqualTo((T0 + 3) * 1000);

        // the talker's own view (owner-sharded on the other database)
        assertThat(sessions.apply(talker, owner, m1, 0, 1)).isTrue();
        assertThat(sessions.get(talker, owner).orElseThrow().unread()).isZero();

        assertThat(sessions.ack(owner, talker, 1, 1, 3, 777)).isTrue();
        // recall of m1 (seqno 1, already read): unread stays; recall of m2 (seqno 2, unread): one less
        PrivateMessage n4 = recallNotice(talker, owner, m1, 4, T0 + 4);
        assertThat(sessions.apply(owner, talker, n4, -1, 1)).isTrue();
        s = sessions.get(owner, talker).orElseThrow();
        assertThat(s.unread()).isEqualTo(1);
        assertThat(s.lastMsg()).isEqualTo(n4);
        assertThat(sessions.apply(owner, talker, recallNotice(talker, owner, m2, 5, T0 + 5), -1, 2)).isTrue();
        assertThat(sessions.apply(owner, talker, recallNotice(talker, owner, m2, 5, T0 + 5), -1, 2))
                .as("the same notice again").isFalse();
        assertThat(sessions.get(owner, talker).orElseThrow().unread()).isZero();
        assertThat(sessions.apply(owner, talker, recallNotice(talker, owner, m3, 6, T0 + 6), -1, 3)).isTrue();
        s = sessions.get(owner, talker).orElseThrow();
        assertThat(s.unread()).as("never below zero").isZero();
        assertThat(s.ackSeqno()).isEqualTo(1);
        assertThat(s.ackTsMicros()).isEqualTo(777);
        assertThat(s.maxSeqno()).isEqualTo(6);

        long fresh = midIn(1);
        assertThat(sessions.apply(fresh, talker, recallNotice(talker, fresh, m1, 7, T0 + 7), -1, 1)).isTrue();
        assertThat(sessions.get(fresh, talker).orElseThrow().unread()).isZero();
        assertThat(sessions.get(midIn(0), talker)).isEmpty();
    }

    @Test
    void ackAppliesOnlyToTheSessionAsTheCallerSawIt() {
        long owner = midIn(1);
        long talker = midIn(0);
        for (int seq = 1; seq <= 3; seq++) {
            sessions.apply(owner, talker, stored(talker, owner, seq, T0 + seq), 1, seq);
        }
        Session before = sessions.get(owner, talker).orElseThrow();
        assertThat(before.unread()).isEqualTo(3);

        assertThat(sessions.ack(owner, talker, 2, 1, 2, 1_000)).as("a message arrived meanwhile").isFalse();
        assertThat(sessions.get(owner, talker)).contains(before);

        assertThat(sessions.ack(owner, talker, 2, 1, 3, 1_000)).isTrue();
        Session acked = sessions.get(owner, talker).orElseThrow();
        assertThat(acked.ackSeqno()).isEqualTo(2);
        assertThat(acked.unread()).isEqualTo(1);
        assertThat(acked.ackTsMicros()).isEqualTo(1_000);
        assertThat(sessions.ack(owner, talker, 2, 1, 3, 1_000)).as("the same ack again: already so").isTrue();
        assertThat(sessions.ack(owner, talker, 1, 1, 3, 2_000)).as("an older ack").isTrue();
        assertThat(sessions.get(owner, talker).orElseThrow().ackSeqno()).as("never back").isEqualTo(2);
        assertThat(sessions.ack(owner, midIn(0), 1, 0, 1, 3_000)).as("no such session").isFalse();
    }

    @Test
    void listsNewestFirstWithATimeCursor() {
        long owner = midIn(0);
        long t1 = midIn(0);
        long t2 = midIn(1);
        long t3 = midIn(0);
        long t4 = midIn(1);
        long t5 = midIn(0);
        sessions.apply(owner, t1, stored(t1, owner, 1, T0 + 1_000), 1, 1);
        sessions.apply(owner, t2, stored(owner, t2, 1, T0 + 3_000), 0, 1);
        sessions.apply(owner, t3, stored(t3, owner, 1, T0 + 2_000), 1, 1);
        sessions.apply(owner, t4, stored(t4, owner, 1, T0 + 3_000), 1, 1); // same time as t2
        sessions.apply(owner, t5, stored(t5, owner, 1, T0 + 5_000), 1, 1);
        sessions.apply(midIn(0), t5, stored(t5, owner, 1, T0 + 9_000), 1, 1); // someone else's

        assertThat(talkers(sessions.list(owner, Long.MAX_VALUE, 10))).containsExactly(t5, t4, t2, t3, t1);
        assertThat(talkers(sessions.list(owner, Long.MAX_VALUE, 2))).containsExactly(t5, t4);
        assertThat(talkers(sessions.list(owner, (T0 + 3_000) * 1000, 10))).containsExactly(t3, t1);
        assertThat(talkers(sessions.list(owner, (T0 + 3_000) * 1000 + 1, 2))).containsExactly(t4, t2);
        assertThat(sessions.list(owner, (T0 + 1_000) * 1000, 10)).isEmpty();
        assertThat(sessions.list(owner, Long.MAX_VALUE, 0)).isEmpty();
        assertThat(sessions.list(midIn(1), Long.MAX_VALUE, 10)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- blocks

    @Test
    void blocksAndUnblocksOneWay() {
        for (int db = 0; db < 2; db++) {
            long owner = midIn(db);
            long target = midIn(1 - db);
            assertThat(blocks.isBlocked(owner, target)).isFalse();
            assertThat(blocks.block(owner, target)).isTrue();
            assertThat(blocks.block(owner, target)).as("already").isFalse();
            assertThat(blocks.isBlocked(owner, target)).isTrue();
            assertThat(blocks.isBlocked(target, owner)).as("one way").isFalse();
            assertThat(blocks.unblock(owner, target)).isTrue();
            assertThat(blocks.unblock(owner, target)).as("not blocked any more").isFalse();
            assertThat(blocks.isBlocked(owner, target)).isFalse();
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    private PmDbConfig config(int tables, String... names) {
        List<DbConfig> dbs = new ArrayList<>();
        for (String n : names) {
            dbs.add(new DbConfig(endpoints.jdbcUrl(n), endpoints.mariadbUser(), endpoints.mariadbPassword(), 10,
                    Duration.ofSeconds(10)));
        }
        return new PmDbConfig(dbs, tables);
    }

    /** A fresh mid whose owner-sharded rows live in database {@code db}. */
    private long midIn(int db) {
        return fresh(mid -> router.database(mid) == db);
    }

    /** A conversation of two fresh users whose rows live in database {@code db}. */
    private ConversationId conversationIn(int db) {
        while (true) {
            ConversationId c = ConversationId.of(mids.incrementAndGet(), mids.incrementAndGet());
            if (router.database(c.shardKey()) == db) {
                return c;
            }
        }
    }

    private long fresh(LongPredicate wanted) {
        while (true) {
            long mid = mids.incrementAndGet();
            if (wanted.test(mid)) {
                return mid;
            }
        }
    }

    private NewMessage text(long from, long to, String text) {
        return new NewMessage(keys.incrementAndGet(), from, to, PrivateMessage.TYPE_TEXT,
                "{\"content\":\"" + text + "\"}", clock.millis());
    }

    private NewMessage recall(long from, long to, PrivateMessage original) {
        return new NewMessage(keys.incrementAndGet(), from, to, PrivateMessage.TYPE_RECALL,
                Long.toString(original.msgKey()), clock.millis());
    }

    /** A stored text message whose key is a multiple of 1000, so its session time is exactly {@code ts * 1000}. */
    private PrivateMessage stored(long from, long to, long seqno, long ts) {
        return new PrivateMessage(keys.incrementAndGet() * 1000, from, to, PrivateMessage.TYPE_TEXT,
                "{\"content\":\"s" + seqno + "\"}", seqno, ts, PrivateMessage.STATUS_NORMAL);
    }

    private PrivateMessage recallNotice(long from, long to, PrivateMessage original, long seqno, long ts) {
        return new PrivateMessage(keys.incrementAndGet(), from, to, PrivateMessage.TYPE_RECALL,
                Long.toString(original.msgKey()), seqno, ts, PrivateMessage.STATUS_NORMAL);
    }

    private static List<Long> talkers(List<Session> list) {
        return list.stream().map(Session::talkerMid).toList();
    }

    private long count(int db, String sql, Object... args) {
        return shards.withConnection(db, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** {@code COUNT(*)} of {@code family}'s rows matching {@code where}, over every table of every database. */
    private long countEverywhere(String family, String where, Object... args) {
        long n = 0;
        for (int t = 0; t < router.tables(); t++) {
            n += count(router.databaseOfTable(t), "SELECT COUNT(*) FROM " + TableShards.name(family, t) + " WHERE "
                    + where, args);
        }
        return n;
    }

    private List<String> tables(int db) {
        return shards.withConnection(db, c -> {
            Set<String> out = new java.util.TreeSet<>();
            try (ResultSet rs = c.createStatement().executeQuery("SHOW TABLES LIKE 'pm\\_%'")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return List.copyOf(out);
        });
    }
}
