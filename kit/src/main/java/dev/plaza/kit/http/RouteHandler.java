package dev.plaza.kit.http;

/**
 * A route's logic: returns the envelope's {@code data} (a record, map, list or null), or a {@link Reply} to choose
 * the code too, or throws {@link dev.plaza.kit.errors.PlazaError}.
 */
@FunctionalInterface
public interface RouteHandler {
    Object handle(Request request) throws Exception;
}
