package dev.plaza.kit.http;

import dev.plaza.kit.errors.PlazaError;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of an {@code application/x-www-form-urlencoded} body, parsed once per request (the first value of a
 * repeated name wins, as for query parameters). Parsed here rather than through Javalin, whose form parsing goes
 * through the servlet's parameter machinery and cost a player heartbeat as much as its own logic (JFR under
 * HistoryBench). Multipart bodies are left to Javalin.
 */
final class FormParams {
    private static final String ATTRIBUTE = "plaza.formParams";

    private FormParams() {
    }

    static boolean isUrlEncoded(Context ctx) {
        String ct = ctx.contentType();
        return ct != null && ct.startsWith("application/x-www-form-urlencoded");
    }

    /** The body's parameters; empty when the body is not a url-encoded form. */
    static Map<String, String> of(Context ctx) {
        if (!isUrlEncoded(ctx)) {
            return Map.of();
        }
        Map<String, String> cached = ctx.attribute(ATTRIBUTE);
        if (cached == null) {
            cached = parse(ctx.body());
            ctx.attribute(ATTRIBUTE, cached);
        }
        return cached;
    }

    static Map<String, String> parse(String body) {
        Map<String, String> params = new HashMap<>();
        int at = 0;
        int n = body.length();
        while (at < n) {
            int amp = body.indexOf('&', at);
            int end = amp < 0 ? n : amp;
            if (end > at) {
                int eq = body.indexOf('=', at);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = decode(body, at, end);
                    value = "";
                } else {
                    name = decode(body, at, eq);
                    value = decode(body, eq + 1, end);
                }
                params.putIfAbsent(name, value);
            }
            at = end + 1;
        }
        return params;
    }

    private static String decode(String s, int from, int to) {
        String part = s.substring(from, to);
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return part;
        }
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw PlazaError.badRequest("BAD_FORM", "form body has a malformed %-escape");
        }
    }
}
