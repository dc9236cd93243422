package dev.plaza.history.biz;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Plain in-memory fakes of the history interfaces, for use-case tests. */
public final class Fakes {
    private Fakes() {
    }

    /** A map per user; the cap trims the oldest. */
    public static class Cache implements HistoryCache {
        public final Map<HistoryKey, HistoryRecord> records = new HashMap<>();
        public final Map<HistoryKey, Long> tombstones = new HashMap<>();
        public final Map<Long, Long> cleared = new HashMap<>();
        public int cap = 1000;

        @Override
        public void putAll(Collection<HistoryRecord> rs) {
            for (HistoryRecord r : rs) {
                HistoryRecord old = records.get(r.key());
                if (old == null || old.isReplacedBy(r)) {
                    records.put(r.key(), r);
                }
                List<HistoryRecord> mine = userList(r.mid(), 0, null);
                for (int i = cap; i < mine.size(); i++) {
                    records.remove(mine.get(i).key());
                }
            }
        }

        @Override
        public Map<HistoryKey, HistoryRecord> latest(Collection<HistoryKey> keys) {
            Map<HistoryKey, HistoryRecord> out = new HashMap<>();
            keys.forEach(k -> Optional.ofNullable(records.get(k)).ifPresent(r -> out.put(k, r)));
            return out;
        }

        @Override
        public Optional<HistoryRecord> get(HistoryKey key) {
            return Optional.ofNullable(records.get(key));
        }

        @Override
        public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
            return userList(mid, beforeViewAt, business).stream().limit(limit).toList();
        }

        List<HistoryRecord> userList(long mid, long beforeViewAt, Business business) {
            return records.values().stream().filter(r -> r.mid() == mid)
                    .filter(r -> beforeViewAt == 0 || r.viewAt() < beforeViewAt)
                    .filter(r -> business == null || r.kid().business() == business)
                    .sorted(Comparator.comparingLong(HistoryRecord::viewAt).reversed()).toList();
        }

        @Override
        public int size(long mid) {
            return userList(mid, 0, null).size();
        }

        @Override
        public void delete(long mid, Collection<Kid> kids, long at) {
            kids.forEach(k -> {
                records.remove(new HistoryKey(mid, k));
                tombstones.put(new HistoryKey(mid, k), at);
            });
        }

        @Override
        public void clear(long mid, long at) {
            records.keySet().removeIf(k -> k.mid() == mid);
            cleared.put(mid, at);
        }

        @Override
        public Map<HistoryKey, Long> deletedAt(Collection<HistoryKey> keys) {
            Map<HistoryKey, Long> out = new HashMap<>();
            for (HistoryKey k : keys) {
                long at = Math.max(tombstones.getOrDefault(k, 0L), cleared.getOrDefault(k.mid(), 0L));
                if (at > 0) {
                    out.put(k, at);
                }
            }
            return out;
        }

        // the store's delete and clear (no tombstones there)
        public void delete(long mid, Collection<Kid> kids) {
            kids.forEach(k -> records.remove(new HistoryKey(mid, k)));
        }

        public void clear(long mid) {
            records.keySet().removeIf(k -> k.mid() == mid);
        }
    }

    public static final class Store extends Cache implements HistoryStore {
        @Override
        public int upsert(Collection<HistoryRecord> rs) {
            putAll(rs);
            return rs.size();
        }

        @Override
        public int purgeBefore(long viewAtBefore, int limit) {
            return 0;
        }
    }

    public static final class Pause implements PauseSwitch {
        public final Set<Long> paused = new HashSet<>();

        @Override
        public boolean isPaused(long mid) {
            return paused.contains(mid);
        }

        @Override
        public void setPaused(long mid, boolean on) {
            if (on) {
                paused.add(mid);
            } else {
                paused.remove(mid);
            }
        }
    }
}
