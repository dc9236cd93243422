package dev.plaza.kit.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * {@code %traceShort}: the first 8 hex digits of the MDC trace id, enough to grep one request in a console while
 * keeping lines short; empty when the line has no trace.
 */
public final class ShortTraceIdConverter extends ClassicConverter {
    static final int LENGTH = 8;

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String traceId = mdc == null ? null : mdc.get(MdcKeys.TRACE_ID);
        if (traceId == null || traceId.isEmpty()) {
            return "";
        }
        return traceId.length() <= LENGTH ? traceId : traceId.substring(0, LENGTH);
    }
}
