package dev.plaza.kit.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A build-free web front end served by the edge from the class path: every page path answers the app's
 * {@code index.html} (the app routes on the path in the browser), and {@code /static/<file>} answers
 * {@code <root>/<file>}. Files come from a jar and never change while the process runs, so each is read once and
 * kept, with an ETag; browsers revalidate ({@code no-cache}) and get 304 until the next release.
 *
 * <p>Pages carry a strict Content-Security-Policy (scripts and styles from this origin only, no inline code): user
 * text is rendered as text by the app, and the policy is the second line of defence if it ever is not.
 *
 * @param root  class-path folder of the files, e.g. {@code plaza/web}
 * @param pages page paths in Javalin's syntax, e.g. {@code /}, {@code /video/{aid}}
 */
public record WebApp(String root, List<String> pages) {
    /** Where the files are served. */
    public static final String STATIC_PREFIX = "/static/";
    static final String CSP = "default-src 'self'; img-src 'self' data: https:; media-src 'self' https: data: blob:; "
            + "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    public WebApp {
        if (root == null || root.isBlank() || root.startsWith("/") || root.endsWith("/")) {
            throw new IllegalArgumentException("web root must be a class-path folder like plaza/web, was " + root);
        }
        pages = List.copyOf(pages);
    }

    /** A file as served: its bytes, type and ETag. */
    private record Asset(byte[] bytes, String type, String etag) {
    }

    /** Registers the page and file routes; {@code assets} caches what was read. */
    void register(RoutesConfig routes) {
        Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();
        for (String page : pages) {
            routes.get(page, ctx -> servePage(ctx, assets));
        }
        routes.get(STATIC_PREFIX + "<file>", ctx -> serveFile(ctx, ctx.pathParam("file"), assets));
    }

    private void servePage(Context ctx, Map<String, Optional<Asset>> assets) {
        Optional<Asset> index = assets.computeIfAbsent("index.html", this::load);
        if (index.isEmpty()) {
            throw new IllegalStateException("the web app has no " + root + "/index.html on the class path");
        }
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        send(ctx, index.get());
    }

    private void serveFile(Context ctx, String file, Map<String, Optional<Asset>> assets) {
        // only plain relative names: no climbing out of the root, no hidden files, no odd characters
        if (!file.matches("[A-Za-z0-9_\\-]+(/[A-Za-z0-9_\\-]+)*\\.[A-Za-z0-9]+") || type(file) == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("not found");
            return;
        }
        Optional<Asset> asset = assets.computeIfAbsent(file, this::load);
        if (asset.isEmpty()) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("not found");
            return;
        }
        send(ctx, asset.get());
    }

    private static void send(Context ctx, Asset asset) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", asset.etag());
        String seen = ctx.header("If-None-Match");
        if (asset.etag().equals(seen)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.type()).result(asset.bytes());
    }

    private Optional<Asset> load(String file) {
        String type = type(file);
        try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream(root + "/" + file)) {
            if (in == null || type == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Asset(bytes, type, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + "/" + file, e);
        }
    }

    static String type(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(file.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
