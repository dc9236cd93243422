package dev.plaza.account.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.testing.MutableClock;
import dev.plaza.kit.errors.PlazaError;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The use cases on plain fakes of their own repository interfaces. */
class AccountUsecaseTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeUsers users = new FakeUsers();
    private final FakeSessions sessions = new FakeSessions();
    private final CountingThrottle throttle = new CountingThrottle(3);
    private final AccountUsecase usecase = new AccountUsecase(users, sessions, new PlainHasher(), throttle,
            new AccountPolicy(Duration.ofHours(1), "/face.svg"), clock);

    @Test
    void registerChecksRulesBeforeStoring() {
        assertCode(() -> usecase.register("x", "password1"), -400, "USERNAME_INVALID");
        assertCode(() -> usecase.register("has space", "password1"), -400, "USERNAME_INVALID");
        assertCode(() -> usecase.register("neo", "short1"), -400, "PASSWORD_TOO_WEAK");
        assertCode(() -> usecase.register("neo", "12345678"), -400, "PASSWORD_TOO_WEAK");
        assertCode(() -> usecase.register("neo", "neo12345"), -400, "PASSWORD_TOO_WEAK");
        assertThat(users.byMid).isEmpty();
        User u = usecase.register("neo", "matrix123");
        assertThat(u.face()).isEqualTo("/face.svg");
        assertThat(u.passwordHash()).isNotEqualTo("matrix123");
        assertCode(() -> usecase.register("neo", "matrix456"), 61001, "USERNAME_TAKEN");
        assertThat(usecase.register("用户名", "密码password1").username()).isEqualTo("用户名");
    }

    @Test
    void sessionsResolveUntilTheyExpireOrLogOut() {
        usecase.register("trinity", "matrix123");
        LoginResult login = usecase.login("trinity", "matrix123", "10.0.0.1");
        assertThat(usecase.resolve(login.token()).user().username()).isEqualTo("trinity");
        assertThat(sessions.stored).containsOnlyKeys(AccountUsecase.hashToken(login.token()));

        clock.advance(Duration.ofMinutes(59));
        assertThat(usecase.resolve(login.token()).session().mid()).isEqualTo(login.user().mid());
        clock.advance(Duration.ofMinutes(1));
        assertCode(() -> usecase.resolve(login.token()), -101, "TOKEN_INVALID");
        assertThat(sessions.stored).isEmpty();

        LoginResult again = usecase.login("trinity", "matrix123", "10.0.0.1");
        usecase.logout(again.token());
        assertCode(() -> usecase.resolve(again.token()), -101, "TOKEN_INVALID");
    }

    @Test
    void failedLoginsAreCountedAndThrottled() {
        usecase.register("morpheus", "matrix123");
        for (int i = 0; i < 3; i++) {
            assertCode(() -> usecase.login("morpheus", "wrong1234", "10.0.0.2"), -629, "WRONG_CREDENTIALS");
        }
        assertCode(() -> usecase.login("morpheus", "matrix123", "10.0.0.2"), -412, "LOGIN_THROTTLED");
        assertThat(sessions.stored).isEmpty();
    }

    @Test
    void profilesBatchIsBounded() {
        assertCode(() -> usecase.profile(0), -400, "BAD_PARAMETER");
        assertCode(() -> usecase.profile(42), -404, "USER_NOT_FOUND");
        assertThatThrownBy(() -> usecase.profiles(java.util.stream.LongStream.range(0, 101).boxed().toList()))
                .isInstanceOf(PlazaError.class);
    }

    private static void assertCode(Runnable call, int code, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }


    static final class PlainHasher implements PasswordHasher {
        @Override
        public String hash(String password) {
            return "h:" + new StringBuilder(password).reverse();
        }

        @Override
        public boolean verify(String password, String hash) {
            return hash(password).equals(hash);
        }
    }

    static final class FakeUsers implements UserRepo {
        final Map<Long, User> byMid = new HashMap<>();
        private final AtomicLong next = new AtomicLong(1);

        @Override
        public Optional<User> create(String username, String passwordHash, String face, boolean admin) {
            if (findByUsername(username).isPresent()) {
                return Optional.empty();
            }
            User u = new User(next.getAndIncrement(), username, passwordHash, face, "", admin, Instant.EPOCH);
            byMid.put(u.mid(), u);
            return Optional.of(u);
        }

        @Override
        public Optional<User> findByUsername(String username) {
            return byMid.values().stream().filter(u -> u.username().equalsIgnoreCase(username)).findFirst();
        }

        @Override
        public Optional<User> findByMid(long mid) {
            return Optional.ofNullable(byMid.get(mid));
        }

        @Override
        public Map<Long, User> findByMids(Collection<Long> mids) {
            Map<Long, User> out = new HashMap<>();
            mids.forEach(m -> findByMid(m).ifPresent(u -> out.put(m, u)));
            return out;
        }

        @Override
        public List<User> findByUsernames(Collection<String> usernames) {
            return byMid.values().stream()
                    .filter(u -> usernames.stream().anyMatch(n -> n.equalsIgnoreCase(u.username()))).toList();
        }

        @Override
        public boolean setAdmin(long mid, boolean admin) {
            return byMid.computeIfPresent(mid, (k, u) -> new User(u.mid(), u.username(), u.passwordHash(), u.face(),
                    u.sign(), admin, u.ctime())) != null;
        }

        @Override
        public long count() {
            return byMid.size();
        }
    }

    static final class FakeSessions implements SessionRepo {
        final Map<String, Session> stored = new HashMap<>();

        @Override
        public void save(Session session) {
            stored.put(session.tokenHash(), session);
        }

        @Override
        public Optional<Session> find(String tokenHash) {
            return Optional.ofNullable(stored.get(tokenHash));
        }

        @Override
        public void delete(String tokenHash) {
            stored.remove(tokenHash);
        }
    }

    static final class CountingThrottle implements LoginThrottle {
        private final int max;
        private final Map<String, Integer> failures = new HashMap<>();

        CountingThrottle(int max) {
            this.max = max;
        }

        @Override
        public boolean isBlocked(String username, String clientIp) {
            return failures.getOrDefault(username, 0) >= max;
        }

        @Override
        public void recordFailure(String username, String clientIp) {
            failures.merge(username, 1, Integer::sum);
        }

        @Override
        public void recordSuccess(String username) {
            failures.remove(username);
        }
    }
}
