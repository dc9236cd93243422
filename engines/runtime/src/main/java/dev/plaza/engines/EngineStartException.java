package dev.plaza.engines;

import java.util.Map;
import java.util.Set;

/** One or more engines did not start. The message names each failure and carries the tail of its log file. */
public final class EngineStartException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Map<EngineKind, Throwable> failures;

    EngineStartException(String message, Map<EngineKind, Throwable> failures) {
        super(message, failures.values().stream().findFirst().orElse(null));
        this.failures = Map.copyOf(failures);
        failures.values().stream().skip(1).forEach(this::addSuppressed);
    }

    /** The engines that failed. */
    public Set<EngineKind> failed() {
        return failures.keySet();
    }
}
