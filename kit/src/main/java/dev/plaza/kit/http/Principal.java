package dev.plaza.kit.http;

/**
 * The authenticated caller of a request.
 *
 * @param csrfToken the session's {@code bili_jct} value; empty for bearer-token sessions that carry none
 */
public record Principal(long mid, String name, boolean admin, String csrfToken) {
}
