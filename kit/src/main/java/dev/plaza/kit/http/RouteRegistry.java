package dev.plaza.kit.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Collects routes before the edge starts; each route has a method, a path pattern, an access level and a handler. */
public final class RouteRegistry {
    public enum Method { GET, POST, PUT, DELETE }

    public record Route(Method method, String path, Access access, RouteHandler handler) {
        public Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(handler, "handler");
        }

        /** Writes need the csrf check when the caller authenticated by cookie. */
        public boolean isWrite() {
            return method != Method.GET;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    public RouteRegistry get(String path, Access access, RouteHandler handler) {
        return add(new Route(Method.GET, path, access, handler));
    }

    public RouteRegistry post(String path, Access access, RouteHandler handler) {
        return add(new Route(Method.POST, path, access, handler));
    }

    public RouteRegistry put(String path, Access access, RouteHandler handler) {
        return add(new Route(Method.PUT, path, access, handler));
    }

    public RouteRegistry delete(String path, Access access, RouteHandler handler) {
        return add(new Route(Method.DELETE, path, access, handler));
    }

    public RouteRegistry add(Route route) {
        for (Route r : routes) {
            if (r.method() == route.method() && r.path().equals(route.path())) {
                throw new IllegalArgumentException("route registered twice: " + route.method() + " " + route.path());
            }
        }
        routes.add(route);
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
