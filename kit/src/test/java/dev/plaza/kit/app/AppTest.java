package dev.plaza.kit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AppTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private Lifecycle recording(String name) {
        return Lifecycle.of(name, () -> events.add("start " + name), () -> events.add("stop " + name));
    }

    @Test
    void startsInOrderAndStopsInReverseOnce() throws Exception {
        App app = App.builder("svc").add("db", recording("db")).add("cache", recording("cache"))
                .add("server", recording("server")).build();

        app.start();
        assertThat(app.state()).isEqualTo(App.State.RUNNING);
        app.stop();
        app.stop();

        assertThat(events).containsExactly("start db", "start cache", "start server",
                "stop server", "stop cache", "stop db");
        assertThat(app.state()).isEqualTo(App.State.STOPPED);
        assertThat(app.awaitShutdown(Duration.ZERO)).isTrue();
    }

    @Test
    void failedStartStopsWhatStartedAndRethrows() throws Exception {
        IOException boom = new IOException("port in use");
        App app = App.builder("svc").add("db", recording("db")).add("cache", recording("cache"))
                .add("server", Lifecycle.of("server", () -> {
                    throw boom;
                }, () -> events.add("stop server")))
                .add("never", recording("never")).build();

        assertThatThrownBy(app::start).isSameAs(boom);

        assertThat(events).containsExactly("start db", "start cache", "stop cache", "stop db");
        assertThat(app.state()).isEqualTo(App.State.STOPPED);
        assertThat(app.awaitShutdown(Duration.ZERO)).isTrue();
        assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopFailuresAreSuppressedSoTheRestStillStop() throws Exception {
        App app = App.builder("svc").add("db", recording("db"))
                .add("flaky", Lifecycle.of("flaky", () -> events.add("start flaky"), () -> {
                    throw new IllegalStateException("cannot stop");
                }))
                .add("server", recording("server")).build();
        app.start();

        app.stop();

        assertThat(events).containsExactly("start db", "start flaky", "start server", "stop server", "stop db");
    }

    @Test
    void rollbackStopFailureIsAttachedToTheStartFailure() {
        App app = App.builder("svc")
                .add("flaky", Lifecycle.of("flaky", () -> { }, () -> {
                    throw new IllegalStateException("cannot stop");
                }))
                .add("broken", Lifecycle.of("broken", () -> {
                    throw new IllegalArgumentException("bad config");
                }, () -> { })).build();

        assertThatThrownBy(app::start).hasMessage("bad config")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("cannot stop")));
    }

    @Test
    void hungStopIsBoundedByTheTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        App app = App.builder("svc").shutdownTimeout(Duration.ofMillis(200)).add("db", recording("db"))
                .add("hung", Lifecycle.of("hung", () -> { }, never::await)).build();
        app.start();

        long t0 = System.nanoTime();
        app.stop();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(tookMs).isBetween(150L, 5_000L);
        assertThat(events).containsExactly("start db", "stop db");
    }

    @Test
    void awaitShutdownReturnsWhenAnotherThreadStops() throws Exception {
        App app = App.builder("svc").add("db", recording("db")).build();
        app.start();
        AtomicBoolean returned = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                app.awaitShutdown();
                returned.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(50);
        assertThat(returned).isFalse();

        app.stop();
        waiter.join(Duration.ofSeconds(5));

        assertThat(returned).isTrue();
    }

    @Test
    void stopDuringStartSkipsTheRestAndStopsWhatStarted() throws Exception {
        CountDownLatch inSecond = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        App app = App.builder("svc").add("db", recording("db"))
                .add("slow", Lifecycle.of("slow", () -> {
                    events.add("start slow");
                    inSecond.countDown();
                    release.await();
                }, () -> events.add("stop slow")))
                .add("server", recording("server")).build();

        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                app.start();
            } catch (Exception e) {
                events.add("start threw " + e);
            }
        });
        inSecond.await();
        Thread stopper = Thread.ofVirtual().start(app::stop); // like SIGTERM while "slow" starts
        Thread.sleep(50);
        release.countDown();
        starter.join(Duration.ofSeconds(5));
        stopper.join(Duration.ofSeconds(5));

        assertThat(events).containsExactly("start db", "start slow", "stop slow", "stop db");
        assertThat(app.state()).isEqualTo(App.State.STOPPED);
    }

    @Test
    void closingLifecycleClosesOnStop() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        App app = App.builder("svc").add("pool", Lifecycle.closing(() -> closed.set(true))).build();
        app.start();
        assertThat(closed).isFalse();
        app.stop();
        assertThat(closed).isTrue();
    }

    @Test
    void stopBeforeStartIsHarmlessAndDuplicateNamesAreRejected() throws Exception {
        App app = App.builder("svc").add("db", recording("db")).build();
        app.installShutdownHook();
        app.stop();
        assertThat(events).isEmpty();
        assertThat(app.state()).isEqualTo(App.State.STOPPED);
        assertThatThrownBy(() -> App.builder("svc").add("db", recording("db")).add("db", recording("db")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
