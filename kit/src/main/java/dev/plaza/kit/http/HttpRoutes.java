package dev.plaza.kit.http;

/** A system's contribution of routes to the edge. */
@FunctionalInterface
public interface HttpRoutes {
    void register(RouteRegistry routes);
}
