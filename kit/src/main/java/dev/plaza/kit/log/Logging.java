package dev.plaza.kit.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures Logback for the whole process from a {@link LogConfig}, replacing whatever {@code logback.xml} set up.
 * Logback's context is process-global by nature, so this class is static; call it once early in {@code main}.
 */
public final class Logging {
    /** Readable pattern; the short trace id lets one request be followed in a console. */
    public static final String CONSOLE_PATTERN =
            "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %8traceShort [%thread] %logger{36} - %msg%n";

    /**
     * Libraries that log every connection, poll or child-process line at INFO. Kept in step with
     * {@code logback.xml}; {@link LogConfig#levels()} overrides them.
     */
    public static final Map<String, String> QUIET_LIBRARIES = quietLibraries();

    private Logging() {
    }

    public static void configure(LogConfig cfg) {
        configure(cfg, Optional.empty());
    }

    /** Like {@link #configure(LogConfig)}, and JSON lines also carry {@code "service":"<serviceName>"}. */
    public static void configure(LogConfig cfg, String serviceName) {
        configure(cfg, Optional.of(serviceName));
    }

    private static void configure(LogConfig cfg, Optional<String> serviceName) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        registerConverters(ctx);

        // grpc-java and a few others log through java.util.logging; route it here and keep JUL's levels in step
        // so disabled JUL levels cost nothing
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(ctx);
        propagator.setResetJUL(true);
        propagator.start();
        ctx.addListener(propagator);
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(parseLevel("level", cfg.level()));
        Map<String, String> levels = new LinkedHashMap<>(QUIET_LIBRARIES);
        levels.putAll(cfg.levels());
        levels.forEach((name, level) -> ctx.getLogger(name).setLevel(parseLevel("levels." + name, level)));

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("CONSOLE");
        start(ctx, console, encoder(ctx, cfg, serviceName));
        root.addAppender(console);

        cfg.file().ifPresent(path -> {
            RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
            file.setName("FILE");
            file.setContext(ctx);
            file.setFile(path);
            SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
            policy.setContext(ctx);
            policy.setParent(file);
            policy.setFileNamePattern(path + ".%d{yyyy-MM-dd}.%i.gz");
            policy.setMaxFileSize(FileSize.valueOf("100MB"));
            policy.setMaxHistory(7);
            policy.setTotalSizeCap(FileSize.valueOf("1GB"));
            policy.start();
            file.setRollingPolicy(policy);
            start(ctx, file, encoder(ctx, cfg, serviceName));
            root.addAppender(file);
        });
    }

    /** Back to {@link LogConfig#defaults()} (tests use this to undo a {@link #configure}). */
    public static void reset() {
        configure(LogConfig.defaults());
    }

    static Level parseLevel(String key, String level) {
        Level parsed = level == null ? null : Level.toLevel(level.trim().toUpperCase(Locale.ROOT), null);
        if (parsed == null) {
            throw new IllegalArgumentException("log " + key + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF;"
                    + " got '" + level + "'");
        }
        return parsed;
    }

    private static void start(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender,
                              Encoder<ILoggingEvent> encoder) {
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, LogConfig cfg, Optional<String> serviceName) {
        if (cfg.format().equals(LogConfig.JSON)) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(ctx);
            // MDC (trace_id, span_id) and structured arguments are included by default
            serviceName.ifPresent(s -> json.setCustomFields("{\"service\":\"" + escapeJson(s) + "\"}"));
            json.start();
            return json;
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(ctx);
        pattern.setPattern(CONSOLE_PATTERN);
        pattern.start();
        return pattern;
    }

    @SuppressWarnings("unchecked")
    private static void registerConverters(LoggerContext ctx) {
        Map<String, Supplier<DynamicConverter<?>>> registry =
                (Map<String, Supplier<DynamicConverter<?>>>) ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (registry == null) {
            registry = new HashMap<>();
            ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, registry);
        }
        registry.put("traceShort", ShortTraceIdConverter::new);
    }

    private static String escapeJson(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Map<String, String> quietLibraries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("org.eclipse.jetty", "WARN");
        m.put("io.javalin", "INFO");
        m.put("io.grpc", "WARN");
        m.put("io.netty", "WARN");
        m.put("org.apache.kafka", "WARN");
        m.put("kafka", "WARN");
        m.put("org.apache.curator", "WARN");
        m.put("org.apache.zookeeper", "WARN");
        m.put("ch.vorburger", "WARN");
        m.put("com.zaxxer.hikari", "WARN");
        m.put("org.flywaydb", "INFO");
        m.put("org.mariadb.jdbc", "WARN");
        m.put("io.lettuce", "WARN");
        m.put("io.debezium", "WARN");
        m.put("org.opensearch", "WARN");
        m.put("org.apache.hc", "WARN");
        m.put("io.opentelemetry", "WARN");
        return java.util.Collections.unmodifiableMap(m);
    }
}
