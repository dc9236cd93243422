package dev.plaza.im.pm.biz;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of private messages (config prefix {@code im.pm}).
 *
 * @param maxLength    longest text, in code points
 * @param recallWindow how long after sending its sender may recall a message (Bilibili: 2 minutes)
 * @param sendBurst    messages one user may send per {@code sendWindow}, over all conversations
 * @param sendWindow   the send limit's window
 * @param pageMax      most messages or sessions one page answers
 */
public record PmConfig(int maxLength, Duration recallWindow, int sendBurst, Duration sendWindow, int pageMax) {
    public static final int PAGE_DEFAULT = 20;

    public PmConfig {
        Objects.requireNonNull(recallWindow, "recallWindow");
        Objects.requireNonNull(sendWindow, "sendWindow");
        if (maxLength < 1 || maxLength > 10_000) {
            throw new IllegalArgumentException("im.pm.maxLength must be 1 to 10000, got " + maxLength);
        }
        if (recallWindow.isNegative()) {
            throw new IllegalArgumentException("im.pm.recallWindow must not be negative");
        }
        if (sendBurst < 1 || sendWindow.toMillis() < 1) {
            throw new IllegalArgumentException("im.pm.sendBurst and im.pm.sendWindow must be positive");
        }
        if (pageMax < PAGE_DEFAULT || pageMax > 1000) {
            throw new IllegalArgumentException("im.pm.pageMax must be " + PAGE_DEFAULT + " to 1000, got " + pageMax);
        }
    }

    /** 500 code points, recall within 2 minutes, 20 messages per user per 10 s, pages of at most 200. */
    public static PmConfig defaults() {
        return new PmConfig(500, Duration.ofMinutes(2), 20, Duration.ofSeconds(10), 200);
    }
}
