package dev.plaza.kit.http;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the HTTP edge.
 *
 * @param host            address to bind; 127.0.0.1 keeps a standalone install private
 * @param port            0 picks a free port
 * @param corsOrigins     origins allowed to call with credentials; empty disables CORS
 * @param maxRequestBytes larger bodies are refused with -400 before any handler runs
 * @param drainTimeout    how long a stop waits for in-flight requests
 */
public record HttpEdgeConfig(String host, int port, List<String> corsOrigins, long maxRequestBytes,
                             Duration drainTimeout) {
    public HttpEdgeConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be positive");
        }
        corsOrigins = List.copyOf(corsOrigins);
    }

    public static HttpEdgeConfig local(int port) {
        return new HttpEdgeConfig("127.0.0.1", port, List.of(), 1 << 20, Duration.ofSeconds(10));
    }
}
