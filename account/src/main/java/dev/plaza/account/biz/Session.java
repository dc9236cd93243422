package dev.plaza.account.biz;

import java.time.Instant;

/**
 * A logged-in session. The token itself is only ever handed to the client; storage keys it by {@code tokenHash}.
 *
 * @param csrf the value of the {@code bili_jct} cookie that cookie-authenticated writes must echo
 */
public record Session(String tokenHash, long mid, String csrf, Instant createdAt, Instant expiresAt) {
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
