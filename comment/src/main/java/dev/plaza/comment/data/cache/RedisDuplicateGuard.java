package dev.plaza.comment.data.cache;

import dev.plaza.comment.biz.DuplicateGuard;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.redis.Redis;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Remembers what each user posted where for {@code window}: {@code c:dup:{mid}:{type}:{oid}:{sha-256 of the text,
 * 128 bits}} set with NX and a TTL, so the check and the claim are one atomic step across instances.
 */
public final class RedisDuplicateGuard implements DuplicateGuard {
    private final Redis redis;
    private final Duration window;

    public RedisDuplicateGuard(Redis redis, Duration window) {
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.redis = redis;
        this.window = window;
    }

    @Override
    public boolean claim(long mid, SubjectKey key, String message) {
        return "OK".equals(redis.sync().set(key(mid, key, message), "1",
                SetArgs.Builder.nx().px(window.toMillis())));
    }

    @Override
    public void release(long mid, SubjectKey key, String message) {
        redis.sync().del(key(mid, key, message));
    }

    static String key(long mid, SubjectKey key, String message) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(message.getBytes(StandardCharsets.UTF_8));
            return "c:dup:" + mid + ":" + key.type() + ":" + key.oid() + ":"
                    + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
