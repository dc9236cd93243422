package dev.plaza.kit.http;

/** Who may call a route. */
public enum Access {
    /** Anyone; the caller is not resolved. */
    PUBLIC,
    /** Anyone; the caller is resolved when a credential is present, and a bad credential is ignored. */
    OPTIONAL_USER,
    /** A logged-in user, else -101. */
    USER,
    /** A logged-in admin, else -101 / -403. */
    ADMIN
}
