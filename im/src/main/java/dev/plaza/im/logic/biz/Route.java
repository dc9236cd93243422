package dev.plaza.im.logic.biz;

/**
 * Where one connection lives: user {@code mid} (0 for an anonymous viewer) holds connection {@code key} on comet
 * {@code server}.
 */
public record Route(long mid, String key, String server) {
    public Route {
        if (mid < 0) {
            throw new IllegalArgumentException("mid must not be negative");
        }
        if (key == null || key.isBlank() || server == null || server.isBlank()) {
            throw new IllegalArgumentException("key and server are required");
        }
    }
}
