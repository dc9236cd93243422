package dev.plaza.kit.http;

import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.Criticality;
import dev.plaza.kit.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The edge's {@link BbrLimiter}, applied as the first Jetty handler, on the I/O thread that parsed the request, before
 * the request gets a thread of its own. It declares itself non-blocking, so Jetty runs it right where the request's
 * bytes were read (a platform selector thread, see {@link HttpEdge}) instead of queueing it for a thread first:
 *
 * <ul>
 *   <li>refused: a pre-rendered 503 / -503 body is written from here, asynchronously, and that is all a refusal costs
 *       beyond Jetty's parsing: no thread, no Javalin context, no request id, span, envelope or access-log line; one
 *       timer update ({@code http.server.requests}, route {@value #SHED_ROUTE}, code -503);</li>
 *   <li>admitted: the rest of the chain (Javalin's servlet) runs on a new virtual thread; the {@link Allowance} rides
 *       along as a request attribute, so the route handler frees it when its answer is built, as before, and this
 *       handler frees it at the latest when the chain returns (unmatched paths, failures). Both its slot and its
 *       response time count from admission, so the wait for a carrier is inside what the window learns (starting
 *       the clock when the thread starts instead measured no better: docs/benchmarks.md, Overload, run 8).</li>
 * </ul>
 *
 * Health, metrics and CORS preflights are never limited. So the limiter sees a request as soon as Jetty has parsed
 * it, not after it waited for a virtual thread behind requests that burn CPU, and shedding costs as little as the
 * server can make it, which is what decides how much of the CPU is left for the admitted requests under overload.
 */
final class AdmissionHandler extends Handler.Wrapper {
    /** The request attribute holding the admitted request's {@link Allowance}. */
    static final String ALLOWANCE = "plaza.limiter.allowance";
    /** The {@code route} tag of refused requests: they are refused before routing. */
    static final String SHED_ROUTE = "(shed)";
    private static final HttpField CONTENT_TYPE =
            new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");

    private final BbrLimiter limiter;
    private final Set<String> unlimitedPaths;
    private final Set<String> corsOrigins;
    private final ByteBuffer refusal;
    private final HttpField refusalLength;
    private final MeterRegistry meters;
    private final Map<String, Timer> refusedByMethod = new ConcurrentHashMap<>();
    private final ThreadFactory workers = Thread.ofVirtual().name("plaza-http").factory();

    AdmissionHandler(BbrLimiter limiter, byte[] refusalBody, Set<String> unlimitedPaths, Set<String> corsOrigins,
                     MeterRegistry meters) {
        this.limiter = limiter;
        this.unlimitedPaths = Set.copyOf(unlimitedPaths);
        this.corsOrigins = Set.copyOf(corsOrigins);
        this.refusal = ByteBuffer.wrap(refusalBody.clone()).asReadOnlyBuffer();
        this.refusalLength = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(refusalBody.length));
        this.meters = meters;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // everything done here is; the rest is handed to a virtual thread
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Allowance allowance = null;
        if (limited(request)) {
            long start = System.nanoTime();
            allowance = limiter.tryAllow(Criticality.parse(request.getHeaders().get(Criticality.METADATA_KEY)));
            if (allowance == null) {
                refuse(request, response, callback);
                refusedTimer(request.getMethod()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return true;
            }
            request.setAttribute(ALLOWANCE, allowance);
        }
        Allowance admitted = allowance;
        workers.newThread(() -> proceed(request, response, callback, admitted)).start();
        return true;
    }

    private boolean limited(Request request) {
        return !"OPTIONS".equals(request.getMethod()) && !unlimitedPaths.contains(request.getHttpURI().getPath());
    }

    private void proceed(Request request, Response response, Callback callback, Allowance allowance) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable t) {
            callback.failed(t); // what Jetty does for a handler that throws: a 500, or an abort once committed
        } finally {
            if (allowance != null) {
                allowance.done(); // a no-op when the route handler freed it already (same thread)
            }
        }
    }

    private void refuse(Request request, Response response, Callback callback) {
        response.setStatus(503);
        HttpFields.Mutable headers = response.getHeaders();
        headers.add(CONTENT_TYPE);
        headers.add(refusalLength);
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && corsOrigins.contains(origin)) {
            // a browser shows a refusal without these as a CORS failure, not as the 503 it is
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Allow-Credentials", "true");
            headers.put("Vary", "Origin");
        }
        response.write(true, refusal.slice(), callback);
    }

    private Timer refusedTimer(String requestMethod) {
        String method = switch (requestMethod) {
            case "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH" -> requestMethod;
            default -> "OTHER"; // any token is a method to the parser: keep the tag's values few
        };
        Timer t = refusedByMethod.get(method);
        if (t != null) {
            return t;
        }
        return refusedByMethod.computeIfAbsent(method, m -> Timer.builder(MetricNames.HTTP_SERVER_REQUESTS)
                .tag("method", m)
                .tag("route", SHED_ROUTE)
                .tag("code", "-503")
                .register(meters));
    }
}
