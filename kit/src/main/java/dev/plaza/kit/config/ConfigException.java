package dev.plaza.kit.config;

/**
 * Configuration is wrong: an unknown key, a value of the wrong type, a missing required key, an unreadable file.
 * The message always names the full key path (or the file / argument) so an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
