package dev.plaza.im.logic.biz;

import java.util.OptionalLong;

/** Turns a session token into the user it belongs to (the account system in production). */
public interface TokenResolver {
    /**
     * @return the token's mid, or empty when the token is unknown, expired or revoked
     * @throws dev.plaza.kit.errors.PlazaError when the answer is unknown (the resolver is unavailable: -503, ...),
     *                                         which must not be mistaken for "invalid"
     */
    OptionalLong resolve(String token);
}
