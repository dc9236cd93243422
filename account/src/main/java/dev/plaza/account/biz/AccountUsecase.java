package dev.plaza.account.biz;

import dev.plaza.kit.errors.PlazaError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Register, log in, log out, resolve sessions and read profiles. */
public final class AccountUsecase {
    private static final int MAX_BATCH = 100;

    private final UserRepo users;
    private final SessionRepo sessions;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AccountPolicy policy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccountUsecase(UserRepo users, SessionRepo sessions, PasswordHasher hasher, LoginThrottle throttle,
                          AccountPolicy policy, Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.throttle = throttle;
        this.policy = policy;
        this.clock = clock;
    }

    public User register(String username, String password) {
        return register(username, password, false);
    }

    public User register(String username, String password, boolean admin) {
        Credentials.checkUsername(username);
        Credentials.checkPassword(username, password);
        if (users.findByUsername(username).isPresent()) {
            throw AccountErrors.usernameTaken(username);
        }
        // The unique index decides races between two registrations of one name.
        return users.create(username, hasher.hash(password), policy.defaultFace(), admin)
                .orElseThrow(() -> AccountErrors.usernameTaken(username));
    }

    public LoginResult login(String username, String password, String clientIp) {
        if (throttle.isBlocked(username, clientIp)) {
            throw AccountErrors.loginThrottled();
        }
        Optional<User> user = users.findByUsername(username);
        if (user.isEmpty() || !hasher.verify(password, user.get().passwordHash())) {
            throttle.recordFailure(username, clientIp);
            throw AccountErrors.wrongCredentials();
        }
        throttle.recordSuccess(username);
        String token = randomToken();
        String csrf = HexFormat.of().formatHex(randomBytes(16));
        Instant now = clock.instant();
        Instant expires = now.plus(policy.sessionTtl());
        sessions.save(new Session(hashToken(token), user.get().mid(), csrf, now, expires));
        return new LoginResult(user.get(), token, csrf, expires);
    }

    public void logout(String token) {
        sessions.delete(hashToken(token));
    }

    /** The session and user behind a token; -101 TOKEN_INVALID when unknown or expired. */
    public ResolvedSession resolve(String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            throw AccountErrors.tokenInvalid();
        }
        Session s = sessions.find(hashToken(token)).orElseThrow(AccountErrors::tokenInvalid);
        if (s.isExpired(clock.instant())) {
            sessions.delete(s.tokenHash());
            throw AccountErrors.tokenInvalid();
        }
        User u = users.findByMid(s.mid()).orElseThrow(AccountErrors::tokenInvalid);
        return new ResolvedSession(s, u);
    }

    public User profile(long mid) {
        if (mid <= 0) {
            throw PlazaError.badRequest("BAD_PARAMETER", "mid must be positive");
        }
        return users.findByMid(mid).orElseThrow(() -> AccountErrors.userNotFound(mid));
    }

    public Map<Long, User> profiles(Collection<Long> mids) {
        if (mids.size() > MAX_BATCH) {
            throw PlazaError.badRequest("BATCH_TOO_LARGE", "at most " + MAX_BATCH + " mids per call");
        }
        return users.findByMids(mids);
    }

    /**
     * Users by name, keyed by the names as asked (names compare case-insensitively); unknown names are left out.
     * Blank names are ignored.
     */
    public Map<String, User> profilesByNames(Collection<String> names) {
        if (names.size() > MAX_BATCH) {
            throw PlazaError.badRequest("BATCH_TOO_LARGE", "at most " + MAX_BATCH + " names per call");
        }
        List<String> asked = names.stream().filter(n -> n != null && !n.isBlank()).distinct().toList();
        if (asked.isEmpty()) {
            return Map.of();
        }
        Map<String, User> byFolded = new HashMap<>();
        for (User u : users.findByUsernames(asked)) {
            byFolded.put(u.username().toLowerCase(Locale.ROOT), u);
        }
        Map<String, User> out = new HashMap<>();
        for (String name : asked) {
            User u = byFolded.get(name.toLowerCase(Locale.ROOT));
            if (u != null) {
                out.put(name, u);
            }
        }
        return out;
    }

    public void setAdmin(long mid, boolean admin) {
        if (!users.setAdmin(mid, admin)) {
            throw AccountErrors.userNotFound(mid);
        }
    }

    public long userCount() {
        return users.count();
    }

    public static String hashToken(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private String randomToken() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    public record ResolvedSession(Session session, User user) {
    }
}
