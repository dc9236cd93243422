package dev.plaza.account.service;

import dev.plaza.account.biz.AccountUsecase;
import dev.plaza.account.biz.LoginResult;
import dev.plaza.account.biz.User;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpEdge;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Principal;
import dev.plaza.kit.http.Reply;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Passport endpoints in the paths and shapes of Bilibili's web API. */
public final class AccountHttpRoutes implements HttpRoutes {
    private final AccountUsecase usecase;
    private final java.util.List<java.util.function.Consumer<String>> logoutListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public AccountHttpRoutes(AccountUsecase usecase) {
        this.usecase = usecase;
    }

    /** Told the token of every logout through these routes (an edge drops it from its session cache). */
    public void onLogout(java.util.function.Consumer<String> listener) {
        logoutListeners.add(listener);
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/x/passport/register", Access.PUBLIC, this::registerUser);
        routes.post("/x/passport/login", Access.PUBLIC, this::login);
        routes.post("/x/passport/logout", Access.USER, this::logout);
        routes.get("/x/web-interface/nav", Access.OPTIONAL_USER, this::nav);
        routes.get("/x/space/acc/info", Access.PUBLIC, this::accInfo);
        routes.post("/x/admin/account/role", Access.ADMIN, this::setRole);
    }

    private Object registerUser(Request req) {
        String username = req.string("username", 1, 64);
        String password = req.string("password", 1, 128);
        User u = usecase.register(username, password);
        return Map.of("mid", u.mid(), "uname", u.username());
    }

    private Object login(Request req) {
        String username = req.string("username", 1, 64);
        String password = req.string("password", 1, 128);
        LoginResult r = usecase.login(username, password, req.clientIp());
        long maxAge = Math.max(0, Duration.between(Instant.now(), r.expiresAt()).toSeconds());
        Context ctx = req.context();
        addCookie(ctx, HttpEdge.SESSION_COOKIE, r.token(), maxAge, true);
        addCookie(ctx, HttpEdge.CSRF_COOKIE, r.csrf(), maxAge, false);
        addCookie(ctx, "DedeUserID", Long.toString(r.user().mid()), maxAge, false);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mid", r.user().mid());
        data.put("token", r.token());
        data.put("csrf", r.csrf());
        data.put("expires", r.expiresAt().getEpochSecond());
        return data;
    }

    private Object logout(Request req) {
        String token = sessionToken(req.context());
        if (token != null) {
            usecase.logout(token);
            logoutListeners.forEach(l -> l.accept(token));
        }
        Context ctx = req.context();
        addCookie(ctx, HttpEdge.SESSION_COOKIE, "", 0, true);
        addCookie(ctx, HttpEdge.CSRF_COOKIE, "", 0, false);
        addCookie(ctx, "DedeUserID", "", 0, false);
        return null;
    }

    private Object nav(Request req) {
        var user = req.optionalUser();
        if (user.isEmpty()) {
            return new Reply(-101, "not logged in", Map.of("isLogin", false));
        }
        Principal p = user.get();
        User u = usecase.profile(p.mid());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("isLogin", true);
        data.put("mid", u.mid());
        data.put("uname", u.username());
        data.put("face", u.face());
        data.put("sign", u.sign());
        data.put("is_admin", u.admin());
        return data;
    }

    private Object accInfo(Request req) {
        User u = usecase.profile(req.longParam("mid", 1, Long.MAX_VALUE));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mid", u.mid());
        data.put("name", u.username());
        data.put("face", u.face());
        data.put("sign", u.sign());
        data.put("jointime", u.ctime().getEpochSecond());
        return data;
    }

    private Object setRole(Request req) {
        long mid = req.longParam("mid", 1, Long.MAX_VALUE);
        boolean admin = req.boolParam("admin", true);
        usecase.setAdmin(mid, admin);
        return Map.of("mid", mid, "is_admin", admin);
    }

    /** The token the caller authenticated with: bearer header first, like the edge. */
    static String sessionToken(Context ctx) {
        String authz = ctx.header("Authorization");
        if (authz != null && authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authz.substring(7).trim();
        }
        return ctx.cookie(HttpEdge.SESSION_COOKIE);
    }

    private static void addCookie(Context ctx, String name, String value, long maxAgeSeconds, boolean httpOnly) {
        StringBuilder c = new StringBuilder(name).append('=').append(value)
                .append("; Path=/; Max-Age=").append(maxAgeSeconds).append("; SameSite=Lax");
        if (httpOnly) {
            c.append("; HttpOnly");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

}
