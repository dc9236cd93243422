package dev.plaza.kit.log;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a process logs.
 *
 * @param format {@code json} (one JSON object per line, for log shippers) or {@code console} (readable)
 * @param level  root level: TRACE, DEBUG, INFO, WARN, ERROR or OFF
 * @param levels per-logger levels, e.g. {@code org.apache.kafka: DEBUG}; they win over the built-in quiet defaults
 * @param file   also write to this file (rolled daily and at 100 MB, 7 days kept) besides stdout
 */
public record LogConfig(String format, String level, Map<String, String> levels, Optional<String> file) {
    public static final String JSON = "json";
    public static final String CONSOLE = "console";

    public LogConfig {
        format = format.toLowerCase(Locale.ROOT);
        if (!format.equals(JSON) && !format.equals(CONSOLE)) {
            throw new IllegalArgumentException("log format must be json or console, got '" + format + "'");
        }
        Logging.parseLevel("level", level);
        levels.forEach((logger, l) -> Logging.parseLevel("levels." + logger, l));
        levels = Map.copyOf(levels);
    }

    /** Readable INFO logs on stdout: what a process does before (or without) its configuration. */
    public static LogConfig defaults() {
        return new LogConfig(CONSOLE, "INFO", Map.of(), Optional.empty());
    }
}
