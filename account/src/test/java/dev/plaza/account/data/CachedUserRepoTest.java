package dev.plaza.account.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.account.biz.User;
import dev.plaza.account.biz.UserRepo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedUserRepoTest {
    /** One user; counts reads by mid. */
    static final class Table implements UserRepo {
        final AtomicInteger reads = new AtomicInteger();
        User user = new User(7, "neo", "hash", "face", "", false, Instant.EPOCH);

        @Override
        public Optional<User> create(String username, String passwordHash, String face, boolean admin) {
            return Optional.empty();
        }

        @Override
        public Optional<User> findByUsername(String username) {
            return Optional.of(user);
        }

        @Override
        public Optional<User> findByMid(long mid) {
            reads.incrementAndGet();
            return mid == 7 ? Optional.of(user) : Optional.empty();
        }

        @Override
        public Map<Long, User> findByMids(Collection<Long> mids) {
            reads.incrementAndGet();
            Map<Long, User> out = new HashMap<>();
            if (mids.contains(7L)) {
                out.put(7L, user);
            }
            return out;
        }

        @Override
        public List<User> findByUsernames(Collection<String> usernames) {
            return List.of(user);
        }

        @Override
        public boolean setAdmin(long mid, boolean admin) {
            user = new User(7, "neo", "hash", "face", "", admin, Instant.EPOCH);
            return true;
        }

        @Override
        public long count() {
            return 1;
        }
    }

    @Test
    void readsByMidHitTheTableOnceAndARoleChangeHereShowsAtOnce() {
        Table table = new Table();
        CachedUserRepo repo = new CachedUserRepo(table, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertThat(repo.findByMid(7).orElseThrow().username()).isEqualTo("neo");
        }
        assertThat(repo.findByMids(List.of(7L)).get(7L).admin()).isFalse();
        assertThat(table.reads.get()).isEqualTo(1);
        assertThat(repo.findByMid(8)).isEmpty();
        assertThat(repo.findByMid(8)).as("unknown users are not cached").isEmpty();
        assertThat(table.reads.get()).isEqualTo(3);

        repo.setAdmin(7, true);
        assertThat(repo.findByMid(7).orElseThrow().admin()).isTrue();
    }
}
