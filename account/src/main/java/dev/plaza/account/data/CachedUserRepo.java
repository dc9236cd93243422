package dev.plaza.account.data;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.account.biz.User;
import dev.plaza.account.biz.UserRepo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users by mid kept in process for a few seconds in front of the table: every authenticated request of every system
 * resolves its session to a user, and reading that row each time cost the edge more than most handlers (measured
 * with JFR under HistoryBench). This instance's own changes (a role change) take effect at once; another account
 * instance's show here within {@code ttl}.
 */
public final class CachedUserRepo implements UserRepo {
    private final UserRepo tables;
    private final Cache<Long, User> byMid;

    public CachedUserRepo(UserRepo tables, Duration ttl) {
        this.tables = tables;
        this.byMid = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    }

    @Override
    public Optional<User> create(String username, String passwordHash, String face, boolean admin) {
        return tables.create(username, passwordHash, face, admin);
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return tables.findByUsername(username); // log-in reads the password hash: always the table
    }

    @Override
    public Optional<User> findByMid(long mid) {
        User cached = byMid.getIfPresent(mid);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<User> u = tables.findByMid(mid);
        u.ifPresent(user -> byMid.put(mid, user));
        return u;
    }

    @Override
    public Map<Long, User> findByMids(Collection<Long> mids) {
        Map<Long, User> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long mid : mids) {
            User cached = byMid.getIfPresent(mid);
            if (cached != null) {
                out.put(mid, cached);
            } else {
                missing.add(mid);
            }
        }
        if (!missing.isEmpty()) {
            Map<Long, User> found = tables.findByMids(missing);
            byMid.putAll(found);
            out.putAll(found);
        }
        return out;
    }

    @Override
    public List<User> findByUsernames(Collection<String> usernames) {
        return tables.findByUsernames(usernames);
    }

    @Override
    public boolean setAdmin(long mid, boolean admin) {
        try {
            return tables.setAdmin(mid, admin);
        } finally {
            byMid.invalidate(mid);
        }
    }

    @Override
    public long count() {
        return tables.count();
    }
}
