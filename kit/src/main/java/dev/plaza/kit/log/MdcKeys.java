package dev.plaza.kit.log;

/** MDC keys every Plaza log line may carry; the JSON encoder writes them as top-level fields. */
public final class MdcKeys {
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private MdcKeys() {
    }
}
