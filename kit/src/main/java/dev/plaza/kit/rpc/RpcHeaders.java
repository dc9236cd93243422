package dev.plaza.kit.rpc;

import io.grpc.Metadata;

/** The gRPC metadata keys Plaza's interceptors read and write; lower case, as HTTP/2 requires. */
public final class RpcHeaders {
    /** The calling application's name, set by every Plaza client; shows who calls whom in logs and handlers. */
    public static final Metadata.Key<String> CALLER =
            Metadata.Key.of("x-plaza-caller", Metadata.ASCII_STRING_MARSHALLER);
    /**
     * The user (mid) a call is made on behalf of. Trusted as-is: it is only meaningful between Plaza services, and
     * the edge sets it after authenticating the user.
     */
    public static final Metadata.Key<String> MID =
            Metadata.Key.of("x-plaza-mid", Metadata.ASCII_STRING_MARSHALLER);
    /**
     * Response trailer ({@code "1"}) of a failure the caller must not retry: the server, or something behind it, is
     * overloaded, and retrying would only add load (the SRE book's "overloaded; don't retry"). Plaza servers add it
     * to RESOURCE_EXHAUSTED and -503 answers and to any failure of a call whose own downstream call got it; Plaza
     * clients never retry an answer carrying it (see {@link NoRetryMarker}).
     */
    public static final Metadata.Key<String> NO_RETRY =
            Metadata.Key.of("x-plaza-no-retry", Metadata.ASCII_STRING_MARSHALLER);
    /** Keys with this prefix travel with the request across every hop (Kratos's convention). */
    public static final String GLOBAL_PREFIX = "x-md-global-";

    private RpcHeaders() {
    }
}
