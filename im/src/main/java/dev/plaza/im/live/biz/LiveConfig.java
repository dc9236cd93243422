package dev.plaza.im.live.biz;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of live-room chat.
 *
 * @param maxLength     longest message, in code points after trimming
 * @param perRoomBurst  danmaku a user may send to one room per {@code perRoomWindow}
 * @param perRoomWindow the rate limit's window
 * @param roomRate      danmaku per second to one room by all users together, over all instances (a token bucket in
 *                      Redis); 0 turns the room quota off
 * @param roomBurst     danmaku one room takes at once before {@code roomRate} applies
 * @param historySize   danmaku kept per room for newcomers
 * @param historyTtl    how long a quiet room's recent list is kept
 */
public record LiveConfig(int maxLength, int perRoomBurst, Duration perRoomWindow, double roomRate, int roomBurst,
                         int historySize, Duration historyTtl) {
    public LiveConfig {
        Objects.requireNonNull(perRoomWindow, "perRoomWindow");
        Objects.requireNonNull(historyTtl, "historyTtl");
        if (maxLength < 1 || maxLength > 1000) {
            throw new IllegalArgumentException("maxLength must be 1 to 1000, got " + maxLength);
        }
        if (perRoomBurst < 1) {
            throw new IllegalArgumentException("perRoomBurst must be positive, got " + perRoomBurst);
        }
        if (perRoomWindow.toMillis() < 1) {
            throw new IllegalArgumentException("perRoomWindow must be at least 1 ms, got " + perRoomWindow);
        }
        if (!(roomRate >= 0) || Double.isInfinite(roomRate) || roomBurst < 1) {
            throw new IllegalArgumentException("roomRate must be 0 (off) or positive and roomBurst at least 1, got "
                    + roomRate + " and " + roomBurst);
        }
        if (historySize < 1 || historySize > 1000) {
            throw new IllegalArgumentException("historySize must be 1 to 1000, got " + historySize);
        }
        if (historyTtl.toMillis() < 1) {
            throw new IllegalArgumentException("historyTtl must be at least 1 ms, got " + historyTtl);
        }
    }

    /**
     * 100 code points, 3 per user per room per 5 s, 100/s per room (300 at once: more than anyone can read), the last
     * 10 kept for a day.
     */
    public static LiveConfig defaults() {
        return new LiveConfig(100, 3, Duration.ofSeconds(5), 100, 300, 10, Duration.ofDays(1));
    }
}
