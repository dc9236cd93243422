package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.GrpcErrors;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The "overloaded; don't retry" signal ({@link RpcHeaders#NO_RETRY}). Retrying an overloaded server only deepens
 * the overload, and retrying at every layer multiplies it (three layers of three attempts make 27 calls), so an
 * answer that says "overloaded" stops retries all the way up:
 * <ul>
 *   <li>a Plaza server marks every RESOURCE_EXHAUSTED and -503 answer ({@link RecoveryInterceptor}); -503 includes a
 *       handler relaying a downstream UNAVAILABLE, so only the layer next to the failure retries;</li>
 *   <li>a Plaza client does not retry a marked answer, and if it is calling on behalf of a server call, marks that
 *       call ({@link ServerCallState#markNoRetry}) so the server's own failure carries the marker too
 *       ({@link RetryClientInterceptor});</li>
 *   <li>a call the client's own breaker rejects is marked ({@link BreakerClientInterceptor}).</li>
 * </ul>
 * Answers from servers that are not Plaza are judged by their status alone: RESOURCE_EXHAUSTED is never retried.
 */
final class NoRetryMarker {
    private NoRetryMarker() {
    }

    /** Does this failure say "don't retry", by the marker or by what it is? */
    static boolean says(Status status, Metadata trailers) {
        if (status.isOk()) {
            return false;
        }
        if (trailers != null && trailers.containsKey(RpcHeaders.NO_RETRY)) {
            return true;
        }
        return status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                || (status.getCode() == Status.Code.UNAVAILABLE
                    && GrpcErrors.sentCode(status, trailers).orElse(0) == ErrorCode.OVERLOADED.code());
    }

    static void mark(Metadata trailers) {
        if (!trailers.containsKey(RpcHeaders.NO_RETRY)) {
            trailers.put(RpcHeaders.NO_RETRY, "1");
        }
    }
}
