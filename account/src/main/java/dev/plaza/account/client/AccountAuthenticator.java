package dev.plaza.account.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.api.account.v1.AccountErrorReason;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.http.Authenticator;
import dev.plaza.kit.http.Principal;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The edge's {@link Authenticator} for every system's BFF: asks the account service over gRPC. An invalid token is
 * an empty answer; any other failure (account down, overloaded) propagates so the caller sees -503, not -101.
 *
 * <p>With a cache TTL, a resolved session is kept in process that long (never past the session's expiry): a player
 * reporting every few seconds or a busy page otherwise costs a call to the account service per request. The price:
 * a logout or a role change made elsewhere shows at this edge within the TTL; {@link #forget} drops a token at once
 * (the standalone edge calls it on logout). Invalid tokens are never cached.
 */
public final class AccountAuthenticator implements Authenticator {
    private record Resolved(Principal principal, long expiresAtSeconds) {
    }

    private final AccountGrpc.AccountBlockingStub account;
    private final Cache<String, Resolved> cache; // null: no cache
    private final Clock clock;

    public AccountAuthenticator(AccountGrpc.AccountBlockingStub account) {
        this(account, Duration.ZERO, Clock.systemUTC());
    }

    /** @param cacheTtl how long a resolved session is kept; zero for none */
    public AccountAuthenticator(AccountGrpc.AccountBlockingStub account, Duration cacheTtl, Clock clock) {
        this.account = account;
        this.clock = clock;
        this.cache = cacheTtl.isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(200_000).build();
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (cache != null) {
            Resolved r = cache.getIfPresent(token);
            if (r != null && r.expiresAtSeconds() > clock.instant().getEpochSecond()) {
                return Optional.of(r.principal());
            }
        }
        try {
            ResolveTokenReply r = account.resolveToken(ResolveTokenRequest.newBuilder().setToken(token).build());
            Principal p = new Principal(r.getMid(), r.getName(), r.getAdmin(), r.getCsrf());
            if (cache != null) {
                cache.put(token, new Resolved(p, r.getExpiresAt()));
            }
            return Optional.of(p);
        } catch (StatusRuntimeException e) {
            PlazaError err = GrpcErrors.fromThrowable(e);
            if (AccountErrorReason.TOKEN_INVALID.name().equals(err.reason())) {
                return Optional.empty();
            }
            throw err;
        }
    }

    /** Drops a token from the cache (after a logout through this edge). */
    public void forget(String token) {
        if (cache != null && token != null) {
            cache.invalidate(token);
        }
    }
}
