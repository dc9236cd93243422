package dev.plaza.engines;

/** One embedded engine process. {@link Engines} is the usual way to get them; it starts several in parallel. */
public interface Engine extends AutoCloseable {
    EngineKind kind();

    /** Starts the engine and returns once it serves requests; throws if it could not (the process is then gone). */
    void start() throws Exception;

    /** Stops the engine and waits until its process has exited. Idempotent. */
    @Override
    void close();
}
