package dev.plaza.kit.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process made of named {@link Lifecycle} components. {@link #start()} starts them in the order added; if one
 * fails, the ones already started are stopped in reverse and the failure is rethrown. {@link #stop()} stops the
 * started ones in reverse, once, each bounded by the shutdown timeout, logging and swallowing failures so the rest
 * still stop. Typical {@code main}:
 *
 * <pre>{@code
 * App app = App.builder("comment-service").add("mariadb", db).add("grpc", server).build();
 * app.installShutdownHook();
 * app.start();
 * app.awaitShutdown();
 * }</pre>
 */
public final class App {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private record Component(String name, Lifecycle lifecycle) {
    }

    private final String name;
    private final List<Component> components;
    private final Duration shutdownTimeout;
    /** Held for the whole of start() and stop(), so a signal during start waits for a consistent point. */
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Component> started = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Thread> shutdownHook = new AtomicReference<>();
    private volatile State state = State.NEW;
    private volatile boolean stopRequested;

    private App(String name, List<Component> components, Duration shutdownTimeout) {
        this.name = name;
        this.components = List.copyOf(components);
        this.shutdownTimeout = shutdownTimeout;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    /**
     * Starts every component in order. If {@link #stop()} is called meanwhile (a signal), the remaining components
     * are not started, the started ones are stopped and this returns normally.
     *
     * @throws IllegalStateException if called twice
     * @throws Exception             the first component failure, after rolling back (stop failures are suppressed
     *                               into it)
     */
    public void start() throws Exception {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException(name + " was already started (state " + state + ")");
            }
            state = State.STARTING;
            long appStart = System.nanoTime();
            LOG.info("starting {} ({} components)", name, components.size());
            for (Component c : components) {
                if (stopRequested) {
                    LOG.warn("stop requested while starting {}; not starting {} and later components", name, c.name());
                    stopStarted(null);
                    return;
                }
                long t0 = System.nanoTime();
                try {
                    c.lifecycle().start();
                } catch (Exception | Error e) {
                    LOG.error("{}: {} failed to start after {} ms; stopping the {} started before it", name, c.name(),
                            millis(t0), started.size(), e);
                    stopStarted(e);
                    throw e;
                }
                started.add(c);
                LOG.info("started {} in {} ms", c.name(), millis(t0));
            }
            state = State.RUNNING;
            LOG.info("{} started in {} ms", name, millis(appStart));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the started components in reverse order. Idempotent and safe from any thread (including a shutdown
     * hook); a second caller waits until the first has finished.
     */
    public void stop() {
        stopRequested = true;
        lock.lock();
        try {
            if (state == State.STOPPED) {
                return;
            }
            if (state == State.NEW) {
                finish();
                return;
            }
            LOG.info("stopping {}", name);
            long t0 = System.nanoTime();
            stopStarted(null);
            LOG.info("{} stopped in {} ms", name, millis(t0));
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until {@link #stop()} has finished (called directly, by a failed start, or by the shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Like {@link #awaitShutdown()} with a limit; true if stopped. */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Makes SIGTERM / SIGINT (JVM shutdown) run an orderly {@link #stop()}; the JVM exits only after it finished.
     * Call before {@link #start()} so a signal during start is handled too.
     */
    public void installShutdownHook() {
        Thread hook = new Thread(() -> {
            LOG.info("shutdown signal: stopping {}", name);
            stop();
        }, name + "-shutdown");
        if (shutdownHook.compareAndSet(null, hook)) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Runs with the lock held. */
    private void stopStarted(Throwable startFailure) {
        state = State.STOPPING;
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            Throwable failure = stopOne(c);
            if (failure != null && startFailure != null) {
                startFailure.addSuppressed(failure);
            }
        }
        started.clear();
        finish();
    }

    private void finish() {
        state = State.STOPPED;
        stopped.countDown();
        removeShutdownHook();
    }

    /** Stops one component on its own thread so a hung stop costs at most the timeout. Returns the failure, if any. */
    private Throwable stopOne(Component c) {
        long t0 = System.nanoTime();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(name + "-stop-" + c.name()).daemon(true).unstarted(() -> {
            try {
                c.lifecycle().stop();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        try {
            if (!t.join(shutdownTimeout)) {
                t.interrupt();
                IllegalStateException timeout = new IllegalStateException(c.name() + " did not stop within "
                        + shutdownTimeout);
                LOG.error("{}: {} did not stop within {}; moving on", name, c.name(), shutdownTimeout);
                return timeout;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("{}: interrupted while stopping {}", name, c.name());
            return e;
        }
        if (failure.get() != null) {
            LOG.error("{}: {} failed to stop after {} ms", name, c.name(), millis(t0), failure.get());
            return failure.get();
        }
        LOG.info("stopped {} in {} ms", c.name(), millis(t0));
        return null;
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook.get();
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook); // no leak when stopped normally (tests build many apps)
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook will find the app stopped and return at once
        }
    }

    private static long millis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    public static final class Builder {
        private final String name;
        private final List<Component> components = new ArrayList<>();
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder add(String name, Lifecycle lifecycle) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(lifecycle, "lifecycle");
            if (components.stream().anyMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("component '" + name + "' added twice to " + this.name);
            }
            components.add(new Component(name, lifecycle));
            return this;
        }

        /** The most each component's stop may take (default 10 s). */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("shutdown timeout must be positive, got " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        public App build() {
            return new App(name, components, shutdownTimeout);
        }
    }
}
