package dev.plaza.kit.rpc;

import io.opentelemetry.api.common.AttributeKey;

/** OpenTelemetry semantic-convention attribute keys for RPC spans (spelled out to avoid the semconv artifact). */
final class RpcAttributes {
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");

    private RpcAttributes() {
    }
}
