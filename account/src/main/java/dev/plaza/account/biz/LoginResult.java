package dev.plaza.account.biz;

import java.time.Instant;

/** What a successful log-in hands back: the opaque token is shown to the client once and stored only hashed. */
public record LoginResult(User user, String token, String csrf, Instant expiresAt) {
}
