package dev.plaza.account.client;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.AccountErrorReason;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.http.Authenticator;
import dev.plaza.kit.http.Principal;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * The edge's {@link Authenticator} for every system's BFF: asks the account service over gRPC. An invalid token is
 * an empty answer; any other failure (account down, overloaded) propagates so the caller sees -503, not -101.
 */
public final class AccountAuthenticator implements Authenticator {
    private final AccountGrpc.AccountBlockingStub account;

    public AccountAuthenticator(AccountGrpc.AccountBlockingStub account) {
        this.account = account;
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        try {
            ResolveTokenReply r = account.resolveToken(ResolveTokenRequest.newBuilder().setToken(token).build());
            return Optional.of(new Principal(r.getMid(), r.getName(), r.getAdmin(), r.getCsrf()));
        } catch (StatusRuntimeException e) {
            PlazaError err = GrpcErrors.fromThrowable(e);
            if (AccountErrorReason.TOKEN_INVALID.name().equals(err.reason())) {
                return Optional.empty();
            }
            throw err;
        }
    }
}
