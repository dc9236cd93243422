package dev.plaza.archive.biz;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Plain in-memory fakes of the catalog's own interfaces, for use-case tests. */
final class Fakes {
    private Fakes() {
    }

    static final class Repo implements ArchiveRepo {
        final ConcurrentSkipListMap<Long, Archive> rows = new ConcurrentSkipListMap<>();
        final List<ArchiveDraft> events = new ArrayList<>();
        private final AtomicLong aids = new AtomicLong(100_000);
        private final AtomicLong cids = new AtomicLong(1_000_000);
        private long nowSeconds = 1_700_000_000L;

        @Override
        public synchronized Archive create(ArchiveDraft d) {
            Instant at = Instant.ofEpochSecond(nowSeconds++);
            Archive a = new Archive(aids.incrementAndGet(), cids.incrementAndGet(), d.ownerMid(), d.title(), d.desc(),
                    d.duration(), d.cover(), d.mediaUrl(), at, at);
            rows.put(a.aid(), a);
            events.add(d);
            return a;
        }

        @Override
        public Optional<Archive> find(long aid) {
            return Optional.ofNullable(rows.get(aid));
        }

        @Override
        public Map<Long, Archive> findMany(Collection<Long> aids) {
            Map<Long, Archive> out = new HashMap<>();
            aids.forEach(aid -> find(aid).ifPresent(a -> out.put(aid, a)));
            return out;
        }

        @Override
        public List<Archive> list(OptionalLong ownerMid, long offset, int limit) {
            return rows.values().stream()
                    .filter(a -> ownerMid.isEmpty() || a.ownerMid() == ownerMid.getAsLong())
                    .sorted(Comparator.comparingLong(Archive::aid).reversed())
                    .skip(offset).limit(limit).toList();
        }

        @Override
        public long count(OptionalLong ownerMid) {
            return rows.values().stream().filter(a -> ownerMid.isEmpty() || a.ownerMid() == ownerMid.getAsLong()).count();
        }
    }

    static final class Views implements StatCounters {
        final Map<Long, Long> counts = new ConcurrentHashMap<>();
        final Map<Long, Long> replies = new ConcurrentHashMap<>();
        final Map<Long, Long> danmaku = new ConcurrentHashMap<>();

        @Override
        public long incrementViews(long aid) {
            return counts.merge(aid, 1L, Long::sum);
        }

        @Override
        public void set(long aid, Kind kind, long value) {
            (kind == Kind.REPLY ? replies : danmaku).put(aid, value);
        }

        @Override
        public Map<Long, ArchiveStat> stats(Collection<Long> aids) {
            Map<Long, ArchiveStat> out = new HashMap<>();
            aids.forEach(aid -> out.put(aid, ArchiveStat.of(aid, counts.getOrDefault(aid, 0L),
                    replies.getOrDefault(aid, 0L), danmaku.getOrDefault(aid, 0L))));
            return out;
        }
    }

    static final class Owners implements OwnerDirectory {
        final Map<Long, Owner> known = new ConcurrentHashMap<>();
        final List<Collection<Long>> calls = new ArrayList<>();

        Owners with(long mid, String name, String face) {
            known.put(mid, new Owner(mid, name, face));
            return this;
        }

        @Override
        public synchronized Map<Long, Owner> owners(Collection<Long> mids) {
            calls.add(List.copyOf(mids));
            Map<Long, Owner> out = new HashMap<>();
            mids.forEach(m -> {
                Owner o = known.get(m);
                if (o != null) {
                    out.put(m, o);
                }
            });
            return out;
        }
    }
}
