package org.apache.kafka.common.utils;

/**
 * Compatibility shim, not Kafka's own code: Debezium 3.6.1 (built on Kafka 4.3) calls
 * {@code org.apache.kafka.common.utils.Sanitizer.jmxSanitize} to name its JMX metrics, and Kafka 4.4 moved that class
 * to {@code org.apache.kafka.common.utils.internals.Sanitizer} (same methods). Without this class the binlog reader
 * of the comment search dies with {@code NoClassDefFoundError: org/apache/kafka/common/utils/Sanitizer} when its
 * task starts. A scan of every Kafka class and member Debezium 3.6.1 references found this the only one missing from
 * Kafka 4.4.0. Delete it when Debezium is built on Kafka 4.4 (see the notes of package dev.plaza.comment.data.search).
 */
public final class Sanitizer {
    private Sanitizer() {
    }

    public static String sanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.sanitize(name);
    }

    public static String desanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.desanitize(name);
    }

    public static String jmxSanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.jmxSanitize(name);
    }
}
