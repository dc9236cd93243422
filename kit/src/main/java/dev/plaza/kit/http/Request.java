package dev.plaza.kit.http;

import dev.plaza.kit.errors.PlazaError;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a route handler sees it: typed, validated parameters (query string, form body or a JSON object
 * body, in that order) and the caller. Every accessor that validates throws a -400 {@link PlazaError} naming the
 * parameter, so a handler never runs its logic on bad input.
 */
public final class Request {
    private final Context ctx;
    private final Map<String, String> jsonParams;
    private final Principal principal;
    private final String requestId;

    Request(Context ctx, Map<String, String> jsonParams, Principal principal, String requestId) {
        this.ctx = ctx;
        this.jsonParams = jsonParams;
        this.principal = principal;
        this.requestId = requestId;
    }

    /** The raw Javalin context, for cookies and headers a handler sets on the response. */
    public Context context() {
        return ctx;
    }

    public String requestId() {
        return requestId;
    }

    /** The client address (the socket peer; proxies are not trusted). */
    public String clientIp() {
        return ctx.ip();
    }

    public String header(String name) {
        return ctx.header(name);
    }

    /** The logged-in caller; -101 when anonymous. */
    public Principal user() {
        if (principal == null) {
            throw PlazaError.notLoggedIn("not logged in");
        }
        return principal;
    }

    public Optional<Principal> optionalUser() {
        return Optional.ofNullable(principal);
    }

    /** A parameter's raw value, or null when absent. Blank values count as absent. */
    public String raw(String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            v = FormParams.isUrlEncoded(ctx) ? FormParams.of(ctx).get(name) : isMultipart() ? ctx.formParam(name) : null;
        }
        if (v == null) {
            v = jsonParams.get(name);
        }
        return v == null || v.isBlank() ? null : v;
    }

    public String string(String name, int minLength, int maxLength) {
        String v = raw(name);
        if (v == null) {
            throw missing(name);
        }
        return checkLength(name, v, minLength, maxLength);
    }

    public Optional<String> optionalString(String name, int maxLength) {
        String v = raw(name);
        return v == null ? Optional.empty() : Optional.of(checkLength(name, v, 0, maxLength));
    }

    public long longParam(String name, long min, long max) {
        String v = raw(name);
        if (v == null) {
            throw missing(name);
        }
        return parseLong(name, v, min, max);
    }

    public long longParam(String name, long defaultValue, long min, long max) {
        String v = raw(name);
        return v == null ? defaultValue : parseLong(name, v, min, max);
    }

    public int intParam(String name, int min, int max) {
        return (int) longParam(name, (long) min, (long) max);
    }

    public int intParam(String name, int defaultValue, int min, int max) {
        return (int) longParam(name, (long) defaultValue, (long) min, (long) max);
    }

    public boolean boolParam(String name, boolean defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw PlazaError.badRequest("BAD_PARAMETER", "parameter '" + name + "' must be 0/1 or true/false");
        };
    }

    /** A value that must be one of {@code allowed}. */
    public String oneOf(String name, String defaultValue, List<String> allowed) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        if (!allowed.contains(v)) {
            throw PlazaError.badRequest("BAD_PARAMETER", "parameter '" + name + "' must be one of " + allowed);
        }
        return v;
    }

    private boolean isMultipart() {
        String ct = ctx.contentType();
        return ct != null && ct.startsWith("multipart/form-data");
    }

    private static String checkLength(String name, String v, int min, int max) {
        int len = v.codePointCount(0, v.length());
        if (len < min || len > max) {
            throw PlazaError.badRequest("BAD_PARAMETER",
                    "parameter '" + name + "' must be " + min + " to " + max + " characters, got " + len);
        }
        return v;
    }

    private static long parseLong(String name, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw PlazaError.badRequest("BAD_PARAMETER", "parameter '" + name + "' must be an integer");
        }
        if (n < min || n > max) {
            throw PlazaError.badRequest("BAD_PARAMETER",
                    "parameter '" + name + "' must be between " + min + " and " + max);
        }
        return n;
    }

    private static PlazaError missing(String name) {
        return PlazaError.badRequest("MISSING_PARAMETER", "missing parameter '" + name + "'");
    }
}
