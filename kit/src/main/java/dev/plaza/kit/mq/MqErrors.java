package dev.plaza.kit.mq;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/** The reasons of the errors this package throws, for callers that branch on them. */
public final class MqErrors {
    /**
     * -503: Kafka did not acknowledge in time (unreachable, no leader, buffer full, timed out) or the client is
     * closed. The write may or may not have happened; retrying is safe for idempotent consumers.
     */
    public static final String UNAVAILABLE = "MQ_UNAVAILABLE";
    /** -500: Kafka refused the write for good (record too large, not authorized, invalid topic...). */
    public static final String SEND_FAILED = "MQ_SEND_FAILED";

    private MqErrors() {
    }

    static PlazaError unavailable(String topic, String message, Throwable cause) {
        return PlazaError.overloaded(UNAVAILABLE, message).withCause(cause).withMetadata("topic", topic);
    }

    /** Maps what a send threw (or its future failed with) to a PlazaError. */
    static PlazaError sendFailure(String topic, Throwable t) {
        return failure(topic, "the write to " + topic, t);
    }

    /** Maps a failed Kafka request ({@code what}: "the write to t", "creating topic t") to a PlazaError. */
    static PlazaError failure(String topic, String what, Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof PlazaError p) {
            return p;
        }
        if (isUnavailable(e)) {
            return unavailable(topic, "kafka did not acknowledge " + what + ": " + e.getMessage(), e);
        }
        return PlazaError.of(ErrorCode.SERVER_ERROR, SEND_FAILED, "kafka refused " + what + ": " + e.getMessage())
                .withCause(e).withMetadata("topic", topic);
    }

    static boolean isTimeout(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof TimeoutException || e instanceof java.util.concurrent.TimeoutException
                || (e instanceof PlazaError p && p.getCause() != null && isTimeout(p.getCause()));
    }

    static boolean isUnavailable(Throwable e) {
        return e instanceof RetriableException // includes Kafka's TimeoutException
                || e instanceof java.util.concurrent.TimeoutException
                || e instanceof InterruptException || e instanceof InterruptedException
                || e instanceof IllegalStateException; // the producer was closed
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
