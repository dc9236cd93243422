package dev.plaza.account.biz;

/** Counts failed log-ins per username and per client address within a window. */
public interface LoginThrottle {
    /** True when this username or this address has used up its failures for the current window. */
    boolean isBlocked(String username, String clientIp);

    void recordFailure(String username, String clientIp);

    /** A successful log-in clears the username's count (not the address's: one address may try many names). */
    void recordSuccess(String username);
}
