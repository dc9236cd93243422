package dev.plaza.kit.mq;

/**
 * The meters of {@link MqProducer} and {@link MqConsumer}. Tag values stay low-cardinality: topic and group names,
 * never keys or offsets. The two timers publish latency histograms (1 ms .. 10 s).
 */
public final class MqMetricNames {
    /** Timer, tags {@link #TOPIC} and {@link #RESULT} ({@link #OK}, {@link #TIMEOUT}, {@link #ERROR}): send to ack. */
    public static final String PRODUCER_SENDS = "mq.producer.sends";
    /**
     * Counter of records, tags {@link #TOPIC} and {@link #RESULT}: {@link #OK} (handled), {@link #RETRY} (a failed
     * attempt, offered again), {@link #DEAD_LETTER} (moved to {@code <topic>.dlq} after the last attempt),
     * {@link #SKIPPED} (given up after the last attempt without a dead-letter topic).
     */
    public static final String CONSUMER_RECORDS = "mq.consumer.records";
    /** Timer of handler calls (one record, or one batch), tags {@link #TOPIC} and {@link #RESULT} (ok / error). */
    public static final String CONSUMER_HANDLE = "mq.consumer.handle";
    /** Gauge, tags {@link #GROUP} and {@link #CLIENT}: records behind the end of the partitions this consumer owns. */
    public static final String CONSUMER_LAG = "mq.consumer.lag";

    public static final String TOPIC = "topic";
    public static final String RESULT = "result";
    public static final String GROUP = "group";
    public static final String CLIENT = "client";

    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String TIMEOUT = "timeout";
    public static final String RETRY = "retry";
    public static final String DEAD_LETTER = "dead_letter";
    public static final String SKIPPED = "skipped";

    private MqMetricNames() {
    }
}
