package dev.plaza.kit.errors;

import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which call outcomes say the dependency (or the way to it) is in trouble: the one list the balancer (success rate),
 * the circuit breaker and the fallbacks judge by. Business answers (NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED...)
 * are the dependency working as designed, and CANCELLED is the caller changing its mind; counting those would steer
 * traffic away from, throttle or paper over healthy backends.
 */
public final class ServerFailures {
    private static final Set<Status.Code> CODES = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS, Status.Code.RESOURCE_EXHAUSTED);

    private ServerFailures() {
    }

    public static boolean isServerFailure(Status.Code code) {
        return CODES.contains(code);
    }
}
