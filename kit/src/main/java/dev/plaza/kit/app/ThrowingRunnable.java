package dev.plaza.kit.app;

/** A start or stop action; starting engines and servers throws checked exceptions. */
@FunctionalInterface
public interface ThrowingRunnable {
    void run() throws Exception;
}
