package dev.plaza.im.comet;

/** Thrown by {@link CometListener#connect} to refuse a connection (bad token, banned account...). */
public class AuthRefusedException extends RuntimeException {
    public AuthRefusedException(String message) {
        super(message);
    }

    public AuthRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
