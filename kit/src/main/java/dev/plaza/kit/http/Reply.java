package dev.plaza.kit.http;

/**
 * An envelope with an explicit code, for the few answers that carry data with a non-zero code (Bilibili's nav
 * answers -101 with {@code {"isLogin":false}} for anonymous callers).
 */
public record Reply(int code, String message, Object data) {
    public static Reply ok(Object data) {
        return new Reply(0, "0", data);
    }
}
