package dev.plaza.kit.mq;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where Kafka is and how this process identifies itself to it.
 *
 * @param bootstrap {@code host:port[,host:port...]}, the {@code bootstrap.servers} of every client
 * @param clientId  prefix of each client's {@code client.id} (a suffix keeps ids unique per process); blank means
 *                  {@code plaza}
 * @param extra     raw Kafka client properties for production tuning (SASL, TLS, {@code linger.ms},
 *                  {@code compression.type}...). A plain key goes to every client kind that knows it (a key no kind
 *                  knows goes to all, so Kafka itself warns about a typo); a key prefixed {@code producer.},
 *                  {@code consumer.} or {@code admin.} goes to that kind only, without the prefix, and wins over a
 *                  plain key. They override Plaza's defaults, except the few settings a component's guarantees
 *                  rest on (the consumer's manual commits).
 */
public record KafkaConfig(String bootstrap, String clientId, Map<String, String> extra) {
    public KafkaConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafka bootstrap (host:port list) is required");
        }
        bootstrap = bootstrap.strip();
        clientId = clientId == null || clientId.isBlank() ? "plaza" : clientId.strip();
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static KafkaConfig of(String bootstrap, String clientId) {
        return new KafkaConfig(bootstrap, clientId, Map.of());
    }

    /** A copy with one more raw client property (see {@link #extra()} for prefixes). */
    public KafkaConfig with(String key, String value) {
        Map<String, String> copy = new HashMap<>(extra);
        copy.put(key, value);
        return new KafkaConfig(bootstrap, clientId, copy);
    }

    /** The kinds of Kafka client, each with the property names it knows. */
    enum Kind {
        PRODUCER("producer.", ProducerConfig.configNames()),
        CONSUMER("consumer.", ConsumerConfig.configNames()),
        ADMIN("admin.", AdminClientConfig.configNames());

        final String prefix;
        final Set<String> known;

        Kind(String prefix, Set<String> known) {
            this.prefix = prefix;
            this.known = known;
        }

        static boolean anyKnows(String key) {
            for (Kind k : values()) {
                if (k.known.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Plaza's defaults for one client kind, then the applicable {@link #extra()} properties over them. */
    Map<String, Object> clientProperties(Kind kind, Map<String, Object> defaults) {
        Map<String, Object> props = new LinkedHashMap<>(defaults);
        extra.forEach((k, v) -> {
            boolean prefixed = false;
            for (Kind other : Kind.values()) {
                prefixed |= k.startsWith(other.prefix);
            }
            if (!prefixed && (kind.known.contains(k) || !Kind.anyKnows(k))) {
                props.put(k, v);
            }
        });
        extra.forEach((k, v) -> {
            if (k.startsWith(kind.prefix)) {
                props.put(k.substring(kind.prefix.length()), v);
            }
        });
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }
}
