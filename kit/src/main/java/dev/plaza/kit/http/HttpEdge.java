package dev.plaza.kit.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.KeyedRateLimiter;
import dev.plaza.kit.log.AccessLog;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.Degradations;
import dev.plaza.kit.rpc.RpcHeaders;
import dev.plaza.kit.rpc.RpcMetadata;
import dev.plaza.kit.trace.Propagation;
import dev.plaza.kit.trace.TraceContext;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge every system's routes hang on (Javalin on virtual threads). Per request, in order: drain check,
 * request id, trace span (W3C traceparent in, {@code X-Trace-Id} out), caller resolution by bearer token or
 * {@code SESSDATA} cookie, the csrf check for cookie-authenticated writes, the handler, the envelope, RED metrics
 * per route and an access-log line. Also serves {@code /health/live}, {@code /health/ready} and {@code /metrics}.
 * With a {@link BbrLimiter}, requests are admitted or refused by an {@link AdmissionHandler} in front of Javalin, on
 * the I/O thread that parsed them: a request it sheds answers a pre-rendered 503 / -503 before any of the above; the
 * health and metrics paths and CORS preflights are never limited.
 */
public final class HttpEdge implements AutoCloseable {
    /** Set on an answer some of whose data came from a fallback (the methods, comma-separated). */
    public static final String DEGRADED_HEADER = "X-Plaza-Degraded";
    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);
    /** Smaller answers are sent as they are: compressing them saves less than it costs. */
    static final int GZIP_MIN_BYTES = 1500;
    /** Level 1: most of the size saving of level 6 (JSON compresses well) at a fraction of the CPU. */
    private static final int GZIP_LEVEL = 1;
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final String SESSION_COOKIE = "SESSDATA";
    public static final String CSRF_COOKIE = "bili_jct";

    private final HttpEdgeConfig config;
    private final MeterRegistry meters;
    private final Supplier<String> metricsScrape;
    private final OpenTelemetry otel;
    private final Tracer tracer;
    private final Authenticator authenticator;
    private final List<RouteRegistry.Route> routes;
    private final Map<String, BooleanSupplier> readiness;
    private final Envelope envelope;
    private final BbrLimiter limiter; // null: no limiting
    private final WebApp webApp; // null: no pages
    private final KeyedRateLimiter perIp; // null: none
    private final KeyedRateLimiter perUser; // null: none
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private Javalin javalin;

    private HttpEdge(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.meters = Objects.requireNonNull(b.meters, "meterRegistry");
        this.metricsScrape = b.metricsScrape;
        this.otel = b.otel == null ? OpenTelemetry.noop() : b.otel;
        this.tracer = otel.getTracer("plaza.http");
        this.authenticator = b.authenticator;
        RouteRegistry registry = new RouteRegistry();
        // The trivial route: the whole pipeline (trace, metrics, envelope) around no work. Load balancers can probe
        // it, and benchmarks measure every other route as a ratio of it.
        registry.get("/x/ping", Access.PUBLIC, req -> "pong");
        b.routes.forEach(r -> r.register(registry));
        this.routes = registry.routes();
        this.readiness = Map.copyOf(b.readiness);
        this.envelope = new Envelope(Envelope.defaultMapper());
        this.limiter = b.limiter;
        this.webApp = b.webApp;
        this.perIp = b.perIp;
        this.perUser = b.perUser;
    }

    public static Builder builder(HttpEdgeConfig config) {
        return new Builder(config);
    }

    public void start() {
        javalin = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = config.maxRequestBytes();
            cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE; // see writeJson
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            if (limiter != null) {
                // Jetty's acceptor and selectors on platform threads, and the limiter on the selector: a request is
                // admitted or refused as soon as it is parsed, before it waits for a virtual thread (see
                // AdmissionHandler). Javalin's own pool runs the selectors on virtual threads too, where they queue
                // for a carrier behind handlers that burn CPU; a virtual thread is not preempted.
                QueuedThreadPool io = new QueuedThreadPool(200, 4);
                io.setName("plaza-http-io");
                io.setVirtualThreadsExecutor(command -> Thread.ofVirtual().name("plaza-http").start(command));
                cfg.jetty.threadPool = io;
                Set<String> unlimited = Set.of("/health/live", "/health/ready", "/metrics");
                AdmissionHandler admission = new AdmissionHandler(limiter, envelope.error(limiter.rejection()),
                        unlimited, new HashSet<>(config.corsOrigins()), meters);
                cfg.jetty.modifyServer(server -> server.setHandler(admission));
            }
            cfg.routes.before(this::cors);
            for (RouteRegistry.Route route : routes) {
                cfg.routes.addEndpoint(new io.javalin.router.Endpoint(handlerType(route.method()), route.path(),
                        ctx -> handle(route, ctx)));
            }
            if (webApp != null) {
                webApp.register(cfg.routes);
            }
            cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            cfg.routes.get("/health/ready", this::ready);
            if (metricsScrape != null) {
                cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metricsScrape.get()));
            }
            // Only unmatched paths reach this: route handlers answer their own -404 with HTTP 200.
            cfg.routes.error(404, ctx ->
                    writeJson(ctx, 404, envelope.write(-404, "no such route: " + ctx.method() + " " + ctx.path(), null)));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // Reaches here only for failures outside a route handler (for example a body over the size limit).
                PlazaError err = e instanceof io.javalin.http.HttpResponseException hre && hre.getStatus() == 413
                        ? PlazaError.badRequest("REQUEST_TOO_LARGE", "request body over " + config.maxRequestBytes() + " bytes")
                        : PlazaError.from(e);
                if (!err.isClientError()) {
                    log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                }
                writeJson(ctx, Envelope.httpStatus(err.code()), envelope.error(err));
            });
        });
        javalin.start();
        log.info("http edge listening on http://{}:{}/ with {} routes", config.host(), javalin.port(), routes.size());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return javalin.port();
    }

    public List<RouteRegistry.Route> routes() {
        return routes;
    }

    /** Stops taking new requests (they get -503), waits up to the drain timeout for in-flight ones, then stops. */
    @Override
    public void close() {
        if (javalin == null) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("http edge stopping with {} requests still in flight after {}", inFlight.get(), config.drainTimeout());
        }
        javalin.stop();
        javalin = null;
    }

    private void handle(RouteRegistry.Route route, Context ctx) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        String requestId = requestId(ctx);
        ctx.header("X-Request-Id", requestId);
        io.opentelemetry.context.Context parent = Propagation.extract(otel, ctx::header);
        Span span = tracer.spanBuilder(route.method() + " " + route.path())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", route.method().name())
                .setAttribute("http.route", route.path())
                .startSpan();
        int code = 0;
        int status = 200;
        byte[] body = null;
        // admitted by the AdmissionHandler in front of Javalin (refused requests never get here)
        Allowance allowance = limiter == null ? null : ctx.attribute(AdmissionHandler.ALLOWANCE);
        try (var scope = TraceContext.activate(span)) {
            ctx.header("X-Trace-Id", span.getSpanContext().getTraceId());
            if (draining) {
                throw PlazaError.overloaded("SHUTTING_DOWN", "server is shutting down");
            }
            if (ctx.contentLength() > config.maxRequestBytes()) {
                // Refuse before any handler runs, whether or not the handler would have read the body.
                throw PlazaError.badRequest("REQUEST_TOO_LARGE",
                        "request body over " + config.maxRequestBytes() + " bytes");
            }
            // a flood from one address is refused before its token is even looked up
            if (perIp != null && !perIp.tryTake(ctx.ip())) {
                throw rateLimited(perIp);
            }
            Principal caller = resolveCaller(route, ctx);
            if (perUser != null && caller != null && caller.mid() > 0 && !perUser.tryTake(Long.toString(caller.mid()))) {
                throw rateLimited(perUser);
            }
            Request request = new Request(ctx, jsonParams(ctx), caller, requestId);
            // the caller's x-md-global-* headers (traffic colour, criticality) ride on every call the handler makes
            io.grpc.Context withMetadata = Degradations.track(globalMetadata(ctx).context());
            io.grpc.Context previous = withMetadata.attach();
            Object data;
            try {
                data = route.handler().handle(request);
            } finally {
                List<String> degraded = Degradations.current();
                if (!degraded.isEmpty()) {
                    // some dependency answered from a fallback: the data may be stale or partly empty
                    ctx.header(DEGRADED_HEADER, String.join(",", degraded));
                }
                withMetadata.detach(previous);
            }
            if (data instanceof Reply r) {
                code = r.code();
            }
            body = envelope.ok(data);
        } catch (Exception e) {
            PlazaError err = PlazaError.from(e);
            code = err.code();
            drainBody(ctx);
            if (err.isClientError()) {
                log.debug("{} {} -> {} {}", route.method(), route.path(), err.code(), err.getMessage());
            } else {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR, err.reason());
                log.error("{} {} failed: {}", route.method(), route.path(), err.getMessage(), e);
            }
            status = Envelope.httpStatus(err.code());
            body = envelope.error(err);
        } finally {
            if (allowance != null) {
                allowance.done(); // the answer is built: what is left (writing it) is the client's pace, not ours
            }
            long elapsed = System.nanoTime() - start;
            span.setAttribute("plaza.code", code);
            span.end();
            timer(route, code).record(elapsed, TimeUnit.NANOSECONDS);
            AccessLog.http(route.method().name(), route.path(), status, code, elapsed, ctx.ip(),
                    span.getSpanContext().getTraceId());
            // recorded before the answer leaves: a client that reads the metrics next finds this request in them
            try {
                if (body != null) {
                    writeJson(ctx, status, body);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** The request timer of a route and answer code, looked up once (building a meter id costs every request). */
    private Timer timer(RouteRegistry.Route route, int code) {
        return timers.computeIfAbsent(new TimerKey(route, code), k -> Timer.builder(MetricNames.HTTP_SERVER_REQUESTS)
                .tag("method", route.method().name())
                .tag("route", route.path())
                .tag("code", Integer.toString(code))
                .register(meters));
    }

    private record TimerKey(RouteRegistry.Route route, int code) {
    }

    private Principal resolveCaller(RouteRegistry.Route route, Context ctx) {
        if (route.access() == Access.PUBLIC) {
            return null;
        }
        String token = null;
        boolean byCookie = false;
        String authz = ctx.header("Authorization");
        if (authz != null && authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authz.substring(7).trim();
        } else {
            String cookie = ctx.cookie(SESSION_COOKIE);
            if (cookie != null && !cookie.isBlank()) {
                token = cookie;
                byCookie = true;
            }
        }
        Optional<Principal> principal = token == null || token.isEmpty() || token.length() > 256
                ? Optional.empty()
                : authenticator.authenticate(token);
        if (principal.isEmpty()) {
            if (route.access() == Access.OPTIONAL_USER) {
                return null;
            }
            throw PlazaError.notLoggedIn(token == null ? "not logged in" : "session is invalid or expired");
        }
        Principal p = principal.get();
        if (route.access() == Access.ADMIN && !p.admin()) {
            throw PlazaError.forbidden("ADMIN_ONLY", "this action needs the admin role");
        }
        if (byCookie && route.isWrite()) {
            checkCsrf(ctx, p);
        }
        return p;
    }

    /** A write authenticated by cookie must echo the {@code bili_jct} cookie in its {@code csrf} parameter. */
    private void checkCsrf(Context ctx, Principal p) {
        String cookie = ctx.cookie(CSRF_COOKIE);
        String param = ctx.queryParam("csrf");
        if (param == null) {
            param = FormParams.of(ctx).get("csrf");
        }
        if (param == null) {
            param = jsonParams(ctx).get("csrf");
        }
        boolean ok = cookie != null && !cookie.isEmpty() && cookie.equals(param)
                && (p.csrfToken() == null || p.csrfToken().isEmpty() || p.csrfToken().equals(cookie));
        if (!ok) {
            throw PlazaError.csrfFailed("csrf check failed");
        }
    }

    private Map<String, String> jsonParams(Context ctx) {
        String ct = ctx.contentType();
        if (ct == null || !ct.startsWith("application/json")) {
            return Map.of();
        }
        Map<String, String> cached = ctx.attribute("plaza.jsonParams");
        if (cached != null) {
            return cached;
        }
        String body = ctx.body();
        Map<String, String> params = new HashMap<>();
        if (!body.isBlank()) {
            JsonNode node;
            try {
                node = envelope.mapper().readTree(body);
            } catch (Exception e) {
                throw PlazaError.badRequest("BAD_JSON", "request body is not valid JSON");
            }
            if (!node.isObject()) {
                throw PlazaError.badRequest("BAD_JSON", "request body must be a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                    params.put(f.getKey(), f.getValue().asText());
                }
            }
        }
        ctx.attribute("plaza.jsonParams", params);
        return params;
    }

    private void ready(Context ctx) {
        Map<String, String> checks = new HashMap<>();
        boolean up = !draining;
        for (Map.Entry<String, BooleanSupplier> c : readiness.entrySet()) {
            boolean ok;
            try {
                ok = c.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            checks.put(c.getKey(), ok ? "UP" : "DOWN");
            up &= ok;
        }
        ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "checks", checks));
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !config.corsOrigins().contains(origin)) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Allow-Credentials", "true");
        ctx.header("Vary", "Origin");
        if (ctx.method() == HandlerType.OPTIONS) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, traceparent, x-md-global-color");
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            ctx.skipRemainingHandlers();
        }
    }

    private static PlazaError rateLimited(KeyedRateLimiter l) {
        return PlazaError.of(ErrorCode.TOO_FREQUENT, "RATE_LIMITED", "too many requests from this " + l.name()
                + ": at most " + l.ratePerSecond() + "/s (bursts of " + l.burst() + ")");
    }

    /**
     * Reads a refused request's small body that no handler read, so the connection stays reusable: the server
     * otherwise closes it after the answer, and a client that already sent its next request on it (keep-alive) sees
     * the connection drop with no answer. A body over the size limit is left alone (the connection then closes).
     */
    private void drainBody(Context ctx) {
        long length = ctx.contentLength();
        if (length > 0 && length <= config.maxRequestBytes()) {
            try {
                ctx.bodyAsBytes(); // read once and kept by Javalin: harmless when the handler read it already
            } catch (RuntimeException ignored) {
                // the client went away: nothing to keep alive
            }
        }
    }

    /** The request's well-formed {@code x-md-global-*} headers; malformed ones are dropped, not fatal. */
    static RpcMetadata globalMetadata(Context ctx) {
        Map<String, String> values = new LinkedHashMap<>();
        ctx.headerMap().forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (key.startsWith(RpcHeaders.GLOBAL_PREFIX)) {
                try {
                    RpcMetadata.EMPTY.with(key, value); // validates the pair
                    values.put(key, value);
                } catch (IllegalArgumentException e) {
                    // not ours to carry on
                }
            }
        });
        return values.isEmpty() ? RpcMetadata.EMPTY : new RpcMetadata(values);
    }

    private static String requestId(Context ctx) {
        String given = ctx.header("X-Request-Id");
        if (given != null && REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        // random, not secret: UUID.randomUUID() draws from SecureRandom behind a lock, a cost every request paid
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong() & ~0xF000L | 0x4000L, r.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L)
                .toString();
    }

    /**
     * Writes an envelope straight to the servlet response; gzipped when it is at least {@value #GZIP_MIN_BYTES}
     * bytes and the client accepts gzip. Javalin's own result writing is bypassed: it wraps every answer in a
     * compressing stream that looks request and response headers up again through Jetty's wrappers, which cost more
     * than serializing a page of comments (measured with JFR under CommentBench).
     */
    private static void writeJson(Context ctx, int status, byte[] body) {
        jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType("application/json; charset=utf-8");
        byte[] out = body;
        if (body.length >= GZIP_MIN_BYTES && acceptsGzip(ctx.req().getHeader("Accept-Encoding"))) {
            res.setHeader("Content-Encoding", "gzip");
            res.setHeader("Vary", "Accept-Encoding");
            out = gzip(body);
        }
        res.setContentLength(out.length);
        try {
            res.getOutputStream().write(out);
        } catch (java.io.IOException e) {
            // the client went away: nothing to answer to
            log.debug("{} {}: answer not delivered: {}", ctx.method(), ctx.path(), e.toString());
        }
    }

    /** True when the {@code Accept-Encoding} value lists gzip (or {@code *}) without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.split(";");
            String coding = pieces[0].trim();
            if (!coding.equalsIgnoreCase("gzip") && !coding.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim().replace(" ", "");
                if (p.startsWith("q=") && p.substring(2).matches("0(\\.0{0,3})?")) {
                    refused = true;
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 3 + 64);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 8192) {
            {
                def.setLevel(GZIP_LEVEL);
            }
        }) {
            gz.write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }

    private static HandlerType handlerType(RouteRegistry.Method m) {
        return switch (m) {
            case GET -> HandlerType.GET;
            case POST -> HandlerType.POST;
            case PUT -> HandlerType.PUT;
            case DELETE -> HandlerType.DELETE;
        };
    }

    public static final class Builder {
        private final HttpEdgeConfig config;
        private MeterRegistry meters;
        private Supplier<String> metricsScrape;
        private OpenTelemetry otel;
        private Authenticator authenticator = Authenticator.NONE;
        private final List<HttpRoutes> routes = new ArrayList<>();
        private final Map<String, BooleanSupplier> readiness = new HashMap<>();
        private BbrLimiter limiter;
        private WebApp webApp;
        private KeyedRateLimiter perIp;
        private KeyedRateLimiter perUser;

        private Builder(HttpEdgeConfig config) {
            this.config = config;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = registry;
            return this;
        }

        /** Serves {@code /metrics} with the given Prometheus text. */
        public Builder metricsScrape(Supplier<String> scrape) {
            this.metricsScrape = scrape;
            return this;
        }

        public Builder openTelemetry(OpenTelemetry otel) {
            this.otel = otel;
            return this;
        }

        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator);
            return this;
        }

        public Builder routes(HttpRoutes routes) {
            this.routes.add(routes);
            return this;
        }

        /** A named check that {@code /health/ready} runs; any false answers 503. */
        public Builder readiness(String name, BooleanSupplier check) {
            this.readiness.put(name, check);
            return this;
        }

        /**
         * Per-key token buckets in front of every route but health and metrics: {@code perIp} by the client address
         * (checked first, before the caller is resolved), {@code perUser} by the logged-in mid; either may be null.
         * A refusal is -509 {@code RATE_LIMITED}.
         */
        public Builder rateLimits(KeyedRateLimiter perIp, KeyedRateLimiter perUser) {
            this.perIp = perIp;
            this.perUser = perUser;
            return this;
        }

        /** Sheds route requests with this adaptive limiter (none unless set); health and metrics stay unlimited. */
        public Builder limiter(BbrLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        /** Serves a web front end: its pages and {@code /static/} files (none unless set). */
        public Builder webApp(WebApp app) {
            this.webApp = Objects.requireNonNull(app, "webApp");
            return this;
        }

        public HttpEdge build() {
            return new HttpEdge(this);
        }
    }

}
