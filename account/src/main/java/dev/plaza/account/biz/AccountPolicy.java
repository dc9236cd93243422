package dev.plaza.account.biz;

import java.time.Duration;

/**
 * Tunables of the account use cases.
 *
 * @param sessionTtl          how long a log-in lasts
 * @param defaultFace         avatar URL given to new users
 */
public record AccountPolicy(Duration sessionTtl, String defaultFace) {
    public static final int USERNAME_MIN = 3;
    public static final int USERNAME_MAX = 32;
    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 64;
}
