package dev.plaza.kit.app;

/**
 * Something with an explicit start and stop: an engine, a pool, a server, a consumer. {@link App} starts them in
 * order and stops them in reverse.
 */
public interface Lifecycle {
    void start() throws Exception;

    void stop() throws Exception;

    static Lifecycle of(String name, ThrowingRunnable start, ThrowingRunnable stop) {
        return new Lifecycle() {
            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public void stop() throws Exception {
                stop.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Nothing to start (it was built ready); closing it is the stop. */
    static Lifecycle closing(AutoCloseable resource) {
        return new Lifecycle() {
            @Override
            public void start() {
            }

            @Override
            public void stop() throws Exception {
                resource.close();
            }

            @Override
            public String toString() {
                return "closing " + resource;
            }
        };
    }
}
