package dev.plaza.kit.mq;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import java.time.Duration;

/** OpenTelemetry messaging attribute names (semantic conventions) and shared meter settings. */
final class MqTelemetry {
    static final String SCOPE = "dev.plaza.kit.mq";

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("plaza.mq.attempt");

    private MqTelemetry() {
    }

    static Timer.Builder timer(String name) {
        return Timer.builder(name)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10));
    }
}
