package dev.plaza.im.protocol;

/** A packet that breaks the protocol (bad header length, oversized, truncated): its connection is closed. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
