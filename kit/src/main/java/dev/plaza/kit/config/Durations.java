package dev.plaza.kit.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way operators write them: Go-style ({@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 1.5h},
 * {@code 2d}, {@code 100us}, {@code 0}) or ISO-8601 ({@code PT5S}). A bare number other than 0 is rejected on purpose:
 * "timeout: 30" is ambiguous between seconds and milliseconds.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a short explanation when the text is not a duration */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P") || s.startsWith("-p"))) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        boolean negative = s.startsWith("-");
        String body = negative ? s.substring(1) : s;
        Matcher m = PART.matcher(body);
        int pos = 0;
        long nanos = 0;
        while (pos < body.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw notADuration(text);
            }
            nanos = Math.addExact(nanos, toNanos(m.group(1), m.group(2)));
            pos = m.end();
        }
        if (pos == 0) {
            throw notADuration(text);
        }
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    private static long toNanos(String number, String unit) {
        long perUnit = switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
        if (number.indexOf('.') < 0) {
            return Math.multiplyExact(Long.parseLong(number), perUnit);
        }
        return new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(perUnit)).longValue();
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not a duration (use e.g. 250ms, 5s, 1m30s or PT5S)");
    }
}
