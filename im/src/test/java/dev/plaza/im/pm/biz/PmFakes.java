package dev.plaza.im.pm.biz;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Plain in-memory fakes of the private messages' own interfaces, for use-case, fan-out and route tests (the MariaDB
 * and Kafka adapters are tested against the engines elsewhere). Each follows its interface's documented contract.
 */
public final class PmFakes {
    private PmFakes() {
    }

    /** Snowflake-like ids: 1000, 1001, ... */
    public static LongSupplier ids() {
        AtomicLong next = new AtomicLong(1000);
        return next::getAndIncrement;
    }

    /** Messages per conversation in seqno order, numbered 1, 2, 3, ... with no gaps; a delivery cursor each. */
    public static final class Messages implements MessageStore {
        private final Clock clock;
        private final Map<ConversationId, List<PrivateMessage>> byConv = new HashMap<>();
        private final Map<ConversationId, Long> delivered = new HashMap<>();
        private final Map<ConversationId, Long> changedMillis = new HashMap<>();
        /** msg_key of a recalled message -> the seqno of its recall notice. */
        private final Map<Long, Long> recalledBy = new HashMap<>();

        /** @param clock for {@link #undelivered}'s quiet time */
        public Messages(Clock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized PrivateMessage append(NewMessage m) {
            List<PrivateMessage> list = byConv.computeIfAbsent(m.conversation(), c -> new ArrayList<>());
            PrivateMessage stored = m.stored(list.size() + 1L);
            list.add(stored);
            changedMillis.put(m.conversation(), clock.millis());
            return stored;
        }

        @Override
        public synchronized Optional<PrivateMessage> recall(ConversationId conv, long original, NewMessage notice) {
            List<PrivateMessage> list = byConv.getOrDefault(conv, List.of());
            for (int i = 0; i < list.size(); i++) {
                PrivateMessage m = list.get(i);
                if (m.msgKey() == original) {
                    if (m.status() != PrivateMessage.STATUS_NORMAL) {
                        return Optional.empty();
                    }
                    list.set(i, new PrivateMessage(m.msgKey(), m.senderMid(), m.receiverMid(), m.msgType(),
                            m.content(), m.seqno(), m.tsMillis(), PrivateMessage.STATUS_RECALLED));
                    PrivateMessage stored = append(notice);
                    recalledBy.put(m.msgKey(), stored.seqno());
                    return Optional.of(stored);
                }
            }
            return Optional.empty();
        }

        @Override
        public synchronized Optional<PrivateMessage> byKey(ConversationId conv, long msgKey) {
            return byConv.getOrDefault(conv, List.of()).stream().filter(m -> m.msgKey() == msgKey).findFirst();
        }

        @Override
        public synchronized List<PrivateMessage> after(ConversationId conv, long afterSeqno, int limit) {
            return byConv.getOrDefault(conv, List.of()).stream().filter(m -> m.seqno() > afterSeqno).limit(limit)
                    .toList();
        }

        @Override
        public synchronized List<PrivateMessage> before(ConversationId conv, long beforeSeqno, int limit) {
            List<PrivateMessage> older = new ArrayList<>(byConv.getOrDefault(conv, List.of()).stream()
                    .filter(m -> m.seqno() < beforeSeqno).toList());
            Collections.reverse(older);
            return List.copyOf(older.subList(0, Math.min(limit, older.size())));
        }

        @Override
        public synchronized long maxSeqno(ConversationId conv) {
            return byConv.getOrDefault(conv, List.of()).size();
        }

        /** Text messages of {@code senderMid} in (after, through], unless recalled by a notice at or before through. */
        @Override
        public synchronized int countUnread(ConversationId conv, long senderMid, long afterSeqno, long throughSeqno) {
            return (int) byConv.getOrDefault(conv, List.of()).stream()
                    .filter(m -> m.seqno() > afterSeqno && m.seqno() <= throughSeqno && m.senderMid() == senderMid
                            && m.countsAsUnread() && (m.status() == PrivateMessage.STATUS_NORMAL
                            || recalledBy.getOrDefault(m.msgKey(), 0L) > throughSeqno))
                    .count();
        }

        @Override
        public synchronized long deliveredSeqno(ConversationId conv) {
            return delivered.getOrDefault(conv, 0L);
        }

        @Override
        public synchronized void markDelivered(ConversationId conv, long seqno) {
            delivered.merge(conv, seqno, Math::max);
            changedMillis.put(conv, clock.millis());
        }

        @Override
        public synchronized List<ConversationId> undelivered(long quietMillis, int limit) {
            long now = clock.millis();
            return byConv.keySet().stream()
                    .filter(c -> deliveredSeqno(c) < maxSeqno(c) && now - changedMillis.get(c) > quietMillis)
                    .sorted(Comparator.comparingLong(ConversationId::lo).thenComparingLong(ConversationId::hi))
                    .limit(limit).toList();
        }

        /** Every message of the conversation, oldest first, as stored (recalled ones keep their content). */
        public synchronized List<PrivateMessage> all(ConversationId conv) {
            return List.copyOf(byConv.getOrDefault(conv, List.of()));
        }

        /** Every message of every conversation. */
        public synchronized int count() {
            return byConv.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Sessions per (owner, talker), following {@link SessionStore}'s contract to the letter. */
    public static final class Sessions implements SessionStore {
        private final Map<Long, Map<Long, Session>> byOwner = new HashMap<>();
        /** Calls of {@link #apply} that did apply. */
        public int applied;

        @Override
        public synchronized boolean apply(long owner, long talker, PrivateMessage m, int unreadDelta,
                                          long unreadSeqno) {
            Map<Long, Session> mine = byOwner.computeIfAbsent(owner, o -> new HashMap<>());
            Session s = mine.get(talker);
            if (s == null) {
                s = new Session(owner, talker, 0, 0, 0, 0, 0, null);
            }
            if (m.seqno() <= s.maxSeqno()) {
                return false;
            }
            int unread = s.unread();
            if (unreadSeqno > s.ackSeqno()) {
                unread = Math.max(0, unread + unreadDelta);
            }
            mine.put(talker, new Session(owner, talker, unread, s.ackSeqno(), m.seqno(), Session.tsMicrosOf(m),
                    s.ackTsMicros(), m));
            applied++;
            return true;
        }

        @Override
        public synchronized Optional<Session> get(long owner, long talker) {
            return Optional.ofNullable(byOwner.getOrDefault(owner, Map.of()).get(talker));
        }

        @Override
        public synchronized boolean ack(long owner, long talker, long ackSeqno, int unread, long expectedMaxSeqno,
                                        long ackTsMicros) {
            Session s = byOwner.getOrDefault(owner, Map.of()).get(talker);
            if (s == null || s.maxSeqno() != expectedMaxSeqno) {
                return false;
            }
            byOwner.get(owner).put(talker, new Session(owner, talker, unread, Math.max(s.ackSeqno(), ackSeqno),
                    s.maxSeqno(), s.tsMicros(), ackTsMicros, s.lastMsg()));
            return true;
        }

        @Override
        public synchronized List<Session> list(long owner, long beforeTsMicros, int limit) {
            return byOwner.getOrDefault(owner, Map.of()).values().stream()
                    .filter(s -> s.tsMicros() < beforeTsMicros)
                    .sorted(Comparator.comparingLong(Session::tsMicros).reversed()
                            .thenComparingLong(Session::talkerMid))
                    .limit(limit).toList();
        }

        /** Puts a session as is (for tests that need one without going through the fan-out). */
        public synchronized void put(Session s) {
            byOwner.computeIfAbsent(s.ownerMid(), o -> new HashMap<>()).put(s.talkerMid(), s);
        }
    }

    /** Blocks as (owner, target) pairs. */
    public static final class Blocks implements BlockList {
        private final Set<List<Long>> pairs = new HashSet<>();

        @Override
        public synchronized boolean block(long owner, long target) {
            return pairs.add(List.of(owner, target));
        }

        @Override
        public synchronized boolean unblock(long owner, long target) {
            return pairs.remove(List.of(owner, target));
        }

        @Override
        public synchronized boolean isBlocked(long owner, long target) {
            return pairs.contains(List.of(owner, target));
        }
    }

    /** The users that exist: a set of mids. */
    public static final class Users implements UserDirectory {
        private final Set<Long> mids;

        public Users(Long... mids) {
            this.mids = Set.of(mids);
        }

        @Override
        public boolean exists(long mid) {
            return mids.contains(mid);
        }
    }

    /** Lets {@code cap} sends through per user, then refuses; counts only what it let through. */
    public static final class Limiter implements SendLimiter {
        private final int cap;
        private final Map<Long, Integer> taken = new HashMap<>();

        public Limiter(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized boolean tryAcquire(long mid) {
            int n = taken.getOrDefault(mid, 0);
            if (n >= cap) {
                return false;
            }
            taken.put(mid, n + 1);
            return true;
        }

        public synchronized int taken(long mid) {
            return taken.getOrDefault(mid, 0);
        }
    }

    /** One announcement to the job. */
    public record Notice(ConversationId conv, long seqno) {
    }

    /** Records announcements; throws {@link #failure} instead when it is set (nothing recorded then). */
    public static final class Notices implements PmNotices {
        public final List<Notice> sent = Collections.synchronizedList(new ArrayList<>());
        public volatile RuntimeException failure;

        @Override
        public void stored(ConversationId conv, long seqno) {
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            sent.add(new Notice(conv, seqno));
        }
    }

    /** One push: to whom, and the body. */
    public record Push(List<Long> mids, byte[] body) {
    }

    /**
     * Records pushes. {@link #failAt} makes the push with that 1-based number (counting every call, failed ones too)
     * throw, once.
     */
    public static final class Pusher implements PmPusher {
        public final List<Push> pushes = Collections.synchronizedList(new ArrayList<>());
        public int calls;
        public int failAt;

        @Override
        public synchronized void push(List<Long> mids, byte[] body) {
            calls++;
            if (calls == failAt) {
                throw new IllegalStateException("push " + calls + " refused (test)");
            }
            pushes.add(new Push(List.copyOf(mids), body.clone()));
        }
    }
}
