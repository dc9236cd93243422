/**
 * Kafka for every Plaza system: {@link dev.plaza.kit.mq.MqProducer} (durable, bounded-time sends that carry the
 * trace context), {@link dev.plaza.kit.mq.MqConsumer} (at-least-once, commit-after-effect, per-partition ordered
 * handling with retries that never skip silently), {@link dev.plaza.kit.mq.MqTopics} (create topics a system
 * needs) and {@link dev.plaza.kit.mq.KafkaConfig}. Meter names are in {@link dev.plaza.kit.mq.MqMetricNames}, error
 * reasons in {@link dev.plaza.kit.mq.MqErrors}.
 */
package dev.plaza.kit.mq;
