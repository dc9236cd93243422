package dev.plaza.kit.redis;

import java.time.Duration;

/**
 * @param uri     e.g. {@code redis://127.0.0.1:6379/0}
 * @param timeout per-command timeout; a slow Redis fails calls fast instead of piling them up
 */
public record RedisConfig(String uri, Duration timeout) {
    public RedisConfig {
        if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://"))) {
            throw new IllegalArgumentException("redis uri must start with redis:// but was " + uri);
        }
    }
}
