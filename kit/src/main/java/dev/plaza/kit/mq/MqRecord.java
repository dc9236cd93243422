package dev.plaza.kit.mq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record as a handler sees it. The value array is the client's own buffer, not a copy: read it, do not change it.
 *
 * @param key       the record key (UTF-8), or null
 * @param value     the payload, or null (a tombstone)
 * @param headers   header values decoded as UTF-8 (a repeated header keeps its last value; a null value reads "")
 * @param timestamp the record's timestamp (producer create time unless the topic uses log-append time)
 */
public record MqRecord(String topic, int partition, long offset, String key, byte[] value,
                       Map<String, String> headers, Instant timestamp) {
    public MqRecord {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A header's value, or null when the record has no such header. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The value decoded as UTF-8, or null for a null value. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** {@code topic-partition@offset}, for logs. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "MqRecord{" + position() + ", key=" + key + ", " + (value == null ? "null" : value.length + " bytes")
                + ", headers=" + headers.keySet() + ", timestamp=" + timestamp + "}";
    }

    static MqRecord of(ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new MqRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), headers,
                Instant.ofEpochMilli(r.timestamp()));
    }
}
