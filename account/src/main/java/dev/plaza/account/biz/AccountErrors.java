package dev.plaza.account.biz;

import dev.plaza.api.account.v1.AccountErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;

/** The account system's errors; codes are listed in docs/api.md. */
public final class AccountErrors {
    public static final String DOMAIN = "account.plaza";

    private AccountErrors() {
    }

    public static PlazaError usernameTaken(String username) {
        return PlazaError.of(61001, Status.Code.ALREADY_EXISTS, DOMAIN, AccountErrorReason.USERNAME_TAKEN.name(),
                "username '" + username + "' is already taken").withMetadata("username", username);
    }

    public static PlazaError userNotFound(long mid) {
        return PlazaError.of(ErrorCode.NOT_FOUND.code(), Status.Code.NOT_FOUND, DOMAIN,
                AccountErrorReason.USER_NOT_FOUND.name(), "no user with mid " + mid);
    }

    public static PlazaError wrongCredentials() {
        return PlazaError.of(-629, Status.Code.UNAUTHENTICATED, DOMAIN, AccountErrorReason.WRONG_CREDENTIALS.name(),
                "wrong username or password");
    }

    public static PlazaError tokenInvalid() {
        return PlazaError.of(ErrorCode.NOT_LOGGED_IN.code(), Status.Code.UNAUTHENTICATED, DOMAIN,
                AccountErrorReason.TOKEN_INVALID.name(), "session is invalid or expired");
    }

    public static PlazaError loginThrottled() {
        return PlazaError.of(ErrorCode.INTERCEPTED.code(), Status.Code.RESOURCE_EXHAUSTED, DOMAIN,
                AccountErrorReason.LOGIN_THROTTLED.name(), "too many failed log-ins, try again later");
    }

    public static PlazaError passwordTooWeak(String why) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                AccountErrorReason.PASSWORD_TOO_WEAK.name(), why);
    }

    public static PlazaError usernameInvalid(String why) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                AccountErrorReason.USERNAME_INVALID.name(), why);
    }
}
