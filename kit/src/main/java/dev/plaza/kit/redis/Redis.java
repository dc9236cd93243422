package dev.plaza.kit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * One multiplexed Lettuce connection. Its synchronous API is thread-safe, which suits blocking code on virtual
 * threads: many callers share the connection and their commands are pipelined on it.
 */
public final class Redis implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private Redis(RedisClient client, StatefulRedisConnection<String, String> connection) {
        this.client = client;
        this.connection = connection;
    }

    public static Redis connect(RedisConfig cfg) {
        RedisURI uri = RedisURI.create(cfg.uri());
        uri.setTimeout(cfg.timeout());
        RedisClient client = RedisClient.create(uri);
        try {
            return new Redis(client, client.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    public boolean isHealthy() {
        try {
            return "PONG".equals(connection.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
