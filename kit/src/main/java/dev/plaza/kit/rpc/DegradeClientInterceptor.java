package dev.plaza.kit.rpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.plaza.kit.errors.ServerFailures;
import dev.plaza.kit.metrics.MetricNames;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * Answers configured unary methods with a {@link Fallback} when the dependency fails in a way that says it is down or
 * overloaded ({@link ServerFailures}: also the breaker's and the bulkhead's refusals, which are UNAVAILABLE), instead of failing the caller: the last good answer to the same
 * request (kept {@code staleFor}, at most {@code maxStale} answers per client), or the reply type's default. The call
 * is recorded in {@link Degradations} so the edge can say the answer is degraded. A business error (NOT_FOUND,
 * INVALID_ARGUMENT, ...) is never hidden.
 *
 * <p>Meter: {@code plaza.degraded{target,method,fallback}}.
 */
final class DegradeClientInterceptor implements ClientInterceptor {
    private final String target;
    private final Map<String, Fallback> fallbacks;
    private final Cache<Key, Object> lastGood;
    private final MeterRegistry registry;

    DegradeClientInterceptor(String target, Map<String, Fallback> fallbacks, Duration staleFor, int maxStale,
                             MeterRegistry registry) {
        this.target = target;
        this.fallbacks = Map.copyOf(fallbacks);
        this.lastGood = Caffeine.newBuilder().expireAfterWrite(staleFor).maximumSize(maxStale).build();
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        Fallback fallback = fallbacks.get(method.getFullMethodName());
        if (fallback == null || method.getType() != MethodDescriptor.MethodType.UNARY) {
            return next.newCall(method, callOptions);
        }
        Context context = Context.current(); // the request's: where the degradation is recorded
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            private Key key;

            @Override
            public void sendMessage(ReqT message) {
                key = keyOf(method, message);
                super.sendMessage(message);
            }

            @Override
            public void start(Listener<RespT> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    private boolean answered;

                    @Override
                    public void onMessage(RespT message) {
                        answered = true;
                        if (key != null) {
                            lastGood.put(key, message);
                        }
                        super.onMessage(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!status.isOk() && !answered && ServerFailures.isServerFailure(status.getCode())) {
                            RespT substitute = substitute(method, fallback, key);
                            if (substitute != null) {
                                context.run(() -> Degradations.record(method.getFullMethodName()));
                                Counter.builder(MetricNames.DEGRADED).tag(MetricNames.TARGET, target)
                                        .tag(MetricNames.METHOD, method.getFullMethodName())
                                        .tag("fallback", fallback.name().toLowerCase(java.util.Locale.ROOT))
                                        .register(registry).increment();
                                super.onMessage(substitute);
                                super.onClose(Status.OK, new Metadata());
                                return;
                            }
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private <ReqT, RespT> RespT substitute(MethodDescriptor<ReqT, RespT> method, Fallback fallback, Key key) {
        if (fallback != Fallback.EMPTY && key != null) {
            Object stale = lastGood.getIfPresent(key);
            if (stale != null) {
                return (RespT) stale;
            }
        }
        if (fallback == Fallback.STALE) {
            return null;
        }
        if (method.getResponseMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<RespT> p) {
            return p.getMessagePrototype(); // the default instance: empty lists, zeros
        }
        return null;
    }

    /** The request as the cache key: its method and its serialized bytes (protobuf messages only). */
    private static Key keyOf(MethodDescriptor<?, ?> method, Object request) {
        return request instanceof MessageLite m ? new Key(method.getFullMethodName(), m.toByteString()) : null;
    }

    private record Key(String method, ByteString request) {
    }
}
