package dev.plaza.kit.balance;

import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which call outcomes count against a backend's success rate: the ones that say the backend (or the way to it) is in
 * trouble. Business answers (NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED...) are the backend working as designed,
 * and CANCELLED is the caller changing its mind; counting those would steer traffic away from healthy backends.
 */
public final class ServerFailures {
    private static final Set<Status.Code> CODES = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED);

    private ServerFailures() {
    }

    public static boolean isServerFailure(Status.Code code) {
        return CODES.contains(code);
    }
}
