package dev.plaza.comment.biz;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Plain in-memory fakes of the comment system's interfaces, for use-case tests. */
public final class Fakes {
    private Fakes() {
    }

    /** A hot-subject detector like the server's (top 32, hot from 50 reads per 10 s), not started. */
    public static HotKeyDetector heat() {
        return new HotKeyDetector("comment.subject", new HeavyKeeper(HeavyKeeper.Settings.forTopK(32)),
                new HotKeyDetector.Settings(50, Duration.ofSeconds(10)), new SimpleMeterRegistry());
    }

    /** The tables: subjects, index rows, contents, actions. Lists follow the cached indexes' orders. */
    public static final class Repo implements CommentReadRepo {
        public final Map<SubjectKey, Subject> subjects = new ConcurrentHashMap<>();
        public final Map<Long, ReplyIndex> indexes = new ConcurrentHashMap<>();
        public final Map<Long, ReplyContent> contents = new ConcurrentHashMap<>();
        public final Map<Long, Map<Long, Integer>> actions = new ConcurrentHashMap<>();
        public final AtomicInteger rootsCalls = new AtomicInteger();
        public final AtomicInteger repliesCalls = new AtomicInteger();
        public final AtomicInteger indexCalls = new AtomicInteger();
        private final AtomicLong rpids = new AtomicLong(1_000);
        public volatile long delayMillis;

        public Subject subject(SubjectKey key, long owner) {
            return subjects.computeIfAbsent(key, k -> new Subject(k, owner, 0, 0, 0, Subject.STATE_OPEN, 0, 0,
                    Instant.EPOCH, Instant.EPOCH));
        }

        /** Stores a visible comment the way the job would: next floor, counts up. */
        public synchronized Reply add(SubjectKey key, long mid, long root, long parent, String message) {
            Subject s = subject(key, 1);
            long rpid = rpids.incrementAndGet();
            int floor = s.floorCount() + 1;
            long dialog = root == 0 ? 0 : parent == root ? rpid : indexes.get(parent).dialog();
            Instant at = Instant.ofEpochSecond(1_700_000_000L + floor);
            ReplyIndex idx = new ReplyIndex(rpid, key, mid, root, parent, dialog, floor, 0, 0, 0, 0,
                    ReplyState.NORMAL, 0, at);
            indexes.put(rpid, idx);
            contents.put(rpid, new ReplyContent(rpid, message, List.of(), "", "", "", at));
            subjects.put(key, new Subject(key, s.ownerMid(), floor, s.rootCount() + (root == 0 ? 1 : 0),
                    s.allCount() + 1, s.state(), s.attrs(), s.topRpid(), s.ctime(), Instant.now()));
            if (root != 0) {
                ReplyIndex r = indexes.get(root);
                indexes.put(root, with(r, r.count() + 1, r.rcount() + 1, r.like(), r.state()));
            }
            return new Reply(indexes.get(rpid), contents.get(rpid));
        }

        public void setState(long rpid, int state) {
            ReplyIndex r = indexes.get(rpid);
            indexes.put(rpid, with(r, r.count(), r.rcount(), r.like(), state));
        }

        public void setLikes(long rpid, int likes) {
            ReplyIndex r = indexes.get(rpid);
            indexes.put(rpid, with(r, r.count(), r.rcount(), likes, r.state()));
        }

        public void pin(SubjectKey key, long rpid) {
            Subject s = subjects.get(key);
            subjects.put(key, new Subject(key, s.ownerMid(), s.floorCount(), s.rootCount(), s.allCount(), s.state(),
                    s.attrs(), rpid, s.ctime(), Instant.now()));
        }

        public void close(SubjectKey key) {
            Subject s = subjects.get(key);
            subjects.put(key, new Subject(key, s.ownerMid(), s.floorCount(), s.rootCount(), s.allCount(),
                    Subject.STATE_CLOSED, s.attrs(), s.topRpid(), s.ctime(), Instant.now()));
        }

        static ReplyIndex with(ReplyIndex r, int count, int rcount, int like, int state) {
            return new ReplyIndex(r.rpid(), r.key(), r.mid(), r.root(), r.parent(), r.dialog(), r.floor(), count,
                    rcount, like, r.hate(), state, r.attrs(), r.ctime());
        }

        private void pause() {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Optional<Subject> subject(SubjectKey key) {
            return Optional.ofNullable(subjects.get(key));
        }

        @Override
        public List<ReplyIndex> roots(SubjectKey key, Sort sort, int offset, int limit) {
            rootsCalls.incrementAndGet();
            pause();
            return indexes.values().stream()
                    .filter(r -> r.key().equals(key) && r.isRoot() && ReplyState.visible(r.state()))
                    .sorted(Comparator.comparingDouble((ReplyIndex r) -> IndexScores.root(sort, r)).reversed())
                    .skip(offset).limit(limit).toList();
        }

        @Override
        public List<ReplyIndex> replies(SubjectKey key, long root, int offset, int limit) {
            repliesCalls.incrementAndGet();
            return indexes.values().stream()
                    .filter(r -> r.key().equals(key) && r.root() == root && ReplyState.visible(r.state()))
                    .sorted(Comparator.comparingInt(ReplyIndex::floor)).skip(offset).limit(limit).toList();
        }

        @Override
        public Map<Long, List<ReplyIndex>> firstReplies(SubjectKey key, Collection<Long> roots, int perRoot) {
            Map<Long, List<ReplyIndex>> out = new HashMap<>();
            for (long root : roots) {
                out.put(root, replies(key, root, 0, perRoot));
            }
            return out;
        }

        @Override
        public Map<Long, ReplyIndex> indexes(SubjectKey key, Collection<Long> rpids) {
            indexCalls.incrementAndGet();
            Map<Long, ReplyIndex> out = new HashMap<>();
            for (long id : rpids) {
                ReplyIndex r = indexes.get(id);
                if (r != null && r.key().equals(key)) {
                    out.put(id, r);
                }
            }
            return out;
        }

        @Override
        public Map<Long, ReplyContent> contents(SubjectKey key, Collection<Long> rpids) {
            Map<Long, ReplyContent> out = new HashMap<>();
            for (long id : rpids) {
                ReplyContent c = contents.get(id);
                if (c != null) {
                    out.put(id, c);
                }
            }
            return out;
        }

        @Override
        public Map<Long, Integer> actions(SubjectKey key, long mid, Collection<Long> rpids) {
            Map<Long, Integer> mine = actions.getOrDefault(mid, Map.of());
            Map<Long, Integer> out = new HashMap<>();
            for (long id : rpids) {
                Integer a = mine.get(id);
                if (a != null) {
                    out.put(id, a);
                }
            }
            return out;
        }
    }

    /** The cache: an index exists only once rebuilt; counts the look-ups. */
    public static final class Cache implements CommentCache {
        public final Map<SubjectKey, Subject> subjects = new ConcurrentHashMap<>();
        public final Map<String, List<Scored>> indexes = new ConcurrentHashMap<>();
        public final Map<Long, Reply> entries = new ConcurrentHashMap<>();
        public final AtomicInteger rootPageCalls = new AtomicInteger();
        public volatile boolean broken;
        /** Added to every root-page look-up, so concurrent readers overlap. */
        public volatile long rootPageDelayMillis;

        static String rootKey(SubjectKey key, Sort sort) {
            return "i:" + key.type() + ":" + key.oid() + ":" + sort.code();
        }

        static String replyKey(long root) {
            return "r:" + root;
        }

        private void check() {
            if (broken) {
                throw new IllegalStateException("redis is down");
            }
        }

        @Override
        public Optional<Subject> subject(SubjectKey key) {
            check();
            return Optional.ofNullable(subjects.get(key));
        }

        @Override
        public void putSubject(Subject subject) {
            check();
            subjects.put(subject.key(), subject);
        }

        @Override
        public void evictSubject(SubjectKey key) {
            subjects.remove(key);
        }

        @Override
        public Optional<List<Long>> rootPage(SubjectKey key, Sort sort, int offset, int limit) {
            check();
            rootPageCalls.incrementAndGet();
            if (rootPageDelayMillis > 0) {
                try {
                    Thread.sleep(rootPageDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<Scored> idx = indexes.get(rootKey(key, sort));
            if (idx == null) {
                return Optional.empty();
            }
            return Optional.of(idx.stream().sorted(Comparator.comparingDouble(Scored::score).reversed())
                    .skip(offset).limit(limit).map(Scored::rpid).toList());
        }

        @Override
        public Optional<List<Long>> replyPage(SubjectKey key, long root, int offset, int limit) {
            check();
            List<Scored> idx = indexes.get(replyKey(root));
            if (idx == null) {
                return Optional.empty();
            }
            return Optional.of(idx.stream().sorted(Comparator.comparingDouble(Scored::score))
                    .skip(offset).limit(limit).map(Scored::rpid).toList());
        }

        @Override
        public void rebuildRoots(SubjectKey key, Sort sort, List<Scored> entries) {
            indexes.put(rootKey(key, sort), new CopyOnWriteArrayList<>(entries));
        }

        @Override
        public void rebuildReplies(SubjectKey key, long root, List<Scored> entries) {
            indexes.put(replyKey(root), new CopyOnWriteArrayList<>(entries));
        }

        @Override
        public void upsertRoot(ReplyIndex root) {
            for (Sort s : Sort.values()) {
                List<Scored> idx = indexes.get(rootKey(root.key(), s));
                if (idx != null) {
                    idx.removeIf(e -> e.rpid() == root.rpid());
                    idx.add(new Scored(root.rpid(), IndexScores.root(s, root)));
                }
            }
        }

        @Override
        public void appendReply(ReplyIndex reply) {
            List<Scored> idx = indexes.get(replyKey(reply.root()));
            if (idx != null) {
                idx.add(new Scored(reply.rpid(), IndexScores.reply(reply)));
            }
        }

        @Override
        public void remove(ReplyIndex reply) {
            indexes.values().forEach(l -> l.removeIf(e -> e.rpid() == reply.rpid()));
        }

        @Override
        public Map<Long, Reply> replies(Collection<Long> rpids) {
            check();
            Map<Long, Reply> out = new HashMap<>();
            for (long id : rpids) {
                Reply r = entries.get(id);
                if (r != null) {
                    out.put(id, r);
                }
            }
            return out;
        }

        @Override
        public void putReplies(Collection<Reply> replies) {
            check();
            replies.forEach(r -> entries.put(r.rpid(), r));
        }

        @Override
        public void evictReply(long rpid) {
            entries.remove(rpid);
        }

        /** Builds the root indexes of a subject (every sort) and the reply indexes of its roots, from the repo. */
        public void warm(Repo repo, SubjectKey key) {
            int roots = repo.rootsCalls.get();
            int replies = repo.repliesCalls.get();
            for (Sort s : Sort.values()) {
                rebuildRoots(key, s, repo.roots(key, s, 0, 10_000).stream()
                        .map(r -> new Scored(r.rpid(), IndexScores.root(s, r))).toList());
            }
            for (ReplyIndex r : repo.indexes.values()) {
                if (r.key().equals(key) && r.isRoot()) {
                    rebuildReplies(key, r.rpid(), repo.replies(key, r.rpid(), 0, 10_000).stream()
                            .map(c -> new Scored(c.rpid(), IndexScores.reply(c))).toList());
                }
            }
            repo.rootsCalls.set(roots);
            repo.repliesCalls.set(replies);
        }
    }

    public static final class Events implements CommentEvents {
        public final List<CommentEvent> published = new CopyOnWriteArrayList<>();
        public volatile RuntimeException failWith;

        @Override
        public void publish(SubjectKey key, CommentEvent event) {
            if (failWith != null) {
                throw failWith;
            }
            published.add(event);
        }

        public List<CommentEvent> of(CommentEvent.EventCase kind) {
            return published.stream().filter(e -> e.getEventCase() == kind).toList();
        }
    }

    public static final class Subjects implements SubjectDirectory {
        public final Map<SubjectKey, Long> owners = new ConcurrentHashMap<>();
        public final AtomicInteger calls = new AtomicInteger();

        @Override
        public OptionalLong ownerOf(SubjectKey key) {
            calls.incrementAndGet();
            Long o = owners.get(key);
            return o == null ? OptionalLong.empty() : OptionalLong.of(o);
        }
    }

    public static final class Members implements MemberDirectory {
        public final Map<Long, Member> byMid = new ConcurrentHashMap<>();
        public final List<Collection<Long>> asked = new CopyOnWriteArrayList<>();

        public Members add(long mid, String name) {
            byMid.put(mid, new Member(mid, name, "https://img.example.com/" + mid + ".png"));
            return this;
        }

        @Override
        public Map<Long, Member> members(Collection<Long> mids) {
            asked.add(List.copyOf(mids));
            Map<Long, Member> out = new HashMap<>();
            mids.forEach(m -> {
                Member x = byMid.get(m);
                if (x != null) {
                    out.put(m, x);
                }
            });
            return out;
        }

        @Override
        public Map<String, Long> midsByNames(Collection<String> names) {
            Map<String, Long> out = new HashMap<>();
            for (String n : names) {
                for (Member m : byMid.values()) {
                    if (m.name().toLowerCase(Locale.ROOT).equals(n.toLowerCase(Locale.ROOT))) {
                        out.put(n, m.mid());
                    }
                }
            }
            return out;
        }
    }

    /** At most {@code limit} writes per user, ever (no window: tests reset it). */
    public static final class Limiter implements WriteLimiter {
        public final Map<Long, AtomicInteger> used = new ConcurrentHashMap<>();
        public volatile int limit;

        public Limiter(int limit) {
            this.limit = limit;
        }

        @Override
        public boolean tryAcquire(long mid) {
            return used.computeIfAbsent(mid, m -> new AtomicInteger()).incrementAndGet() <= limit;
        }
    }

    /** A quota per subject: {@code limit} posts, counted per subject. */
    public static final class SubjectQuota implements SubjectPostQuota {
        public final Map<SubjectKey, AtomicInteger> used = new ConcurrentHashMap<>();
        public volatile int limit;

        public SubjectQuota(int limit) {
            this.limit = limit;
        }

        @Override
        public boolean tryAcquire(SubjectKey subject) {
            return used.computeIfAbsent(subject, s -> new AtomicInteger()).incrementAndGet() <= limit;
        }
    }

    public static final class Duplicates implements DuplicateGuard {
        public final Set<String> claimed = new HashSet<>();

        @Override
        public synchronized boolean claim(long mid, SubjectKey key, String message) {
            return claimed.add(mid + "|" + key.kafkaKey() + "|" + message);
        }

        @Override
        public synchronized void release(long mid, SubjectKey key, String message) {
            claimed.remove(mid + "|" + key.kafkaKey() + "|" + message);
        }
    }

    public static <T> List<T> list(Collection<T> c) {
        return new ArrayList<>(c);
    }
}
