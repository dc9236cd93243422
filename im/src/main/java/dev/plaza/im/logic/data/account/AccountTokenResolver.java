package dev.plaza.im.logic.data.account;

import dev.plaza.api.account.v1.AccountErrorReason;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.im.logic.biz.TokenResolver;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Resolves tokens through the account service ({@code ResolveToken}). Only the account's TOKEN_INVALID means
 * "invalid"; any other failure (account down, overloaded, deadline) propagates, so the comet refuses the connection
 * with a retryable error instead of telling a logged-in user they are not.
 */
public final class AccountTokenResolver implements TokenResolver {
    private final AccountGrpc.AccountBlockingStub account;
    private final Duration timeout;

    public AccountTokenResolver(AccountGrpc.AccountBlockingStub account, Duration timeout) {
        this.account = account;
        this.timeout = timeout;
    }

    @Override
    public OptionalLong resolve(String token) {
        try {
            ResolveTokenReply r = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .resolveToken(ResolveTokenRequest.newBuilder().setToken(token).build());
            return r.getMid() > 0 ? OptionalLong.of(r.getMid()) : OptionalLong.empty();
        } catch (StatusRuntimeException e) {
            PlazaError err = GrpcErrors.fromThrowable(e);
            if (AccountErrorReason.TOKEN_INVALID.name().equals(err.reason())) {
                return OptionalLong.empty();
            }
            throw err;
        }
    }
}
