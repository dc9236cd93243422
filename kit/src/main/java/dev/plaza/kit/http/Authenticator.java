package dev.plaza.kit.http;

import java.util.Optional;

/**
 * Resolves an opaque session token (from {@code Authorization: Bearer} or the {@code SESSDATA} cookie) to a caller.
 * Implemented by the account system; the edge only calls it.
 */
@FunctionalInterface
public interface Authenticator {
    /** Empty when the token is unknown, expired or revoked. */
    Optional<Principal> authenticate(String token);

    Authenticator NONE = token -> Optional.empty();
}
