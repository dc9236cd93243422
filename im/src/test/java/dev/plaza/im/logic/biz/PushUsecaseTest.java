package dev.plaza.im.logic.biz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.errors.PlazaError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushUsecaseTest {
    private static final byte[] HELLO = "hello".getBytes();
    private final Fakes.Routes routes = new Fakes.Routes();
    private final Fakes.Publisher publisher = new Fakes.Publisher();
    private final PushUsecase pushes = new PushUsecase(routes, publisher, new PushUsecase.Settings(16, 4));

    @BeforeEach
    void routes() {
        routes.add(new Route(1, "k1", "comet-a"), Duration.ofMinutes(1));
        routes.add(new Route(1, "k2", "comet-b"), Duration.ofMinutes(1));
        routes.add(new Route(2, "k3", "comet-a"), Duration.ofMinutes(1));
        routes.add(new Route(0, "k4", "comet-b"), Duration.ofMinutes(1));
        routes.lookups.set(0);
    }

    private static PlazaError error(Runnable r) {
        try {
            r.run();
        } catch (PlazaError e) {
            return e;
        }
        throw new AssertionError("expected a PlazaError");
    }

    @Test
    void keysAreGroupedIntoOneMessagePerCometAndUnknownKeysSkipped() {
        assertThat(pushes.pushKeys(List.of("k1", "k3", "k2", "gone"), 1000, HELLO)).isEqualTo(2);

        assertThat(publisher.calls).as("one publish call for the whole push").hasValue(1);
        assertThat(publisher.published).containsExactlyInAnyOrder(
                new Push.Keys("comet-a", List.of("k1", "k3"), 1000, HELLO),
                new Push.Keys("comet-b", List.of("k2"), 1000, HELLO));
    }

    @Test
    void midsResolveToAllTheirKeysGroupedByComet() {
        assertThat(pushes.pushMids(List.of(1L, 2L, 99L), 5, HELLO)).isEqualTo(2);
        assertThat(publisher.published).containsExactlyInAnyOrder(
                new Push.Keys("comet-a", List.of("k1", "k3"), 5, HELLO),
                new Push.Keys("comet-b", List.of("k2"), 5, HELLO));
    }

    @Test
    void targetsWithoutRoutesPublishNothing() {
        assertThat(pushes.pushKeys(List.of("nope"), 5, HELLO)).isZero();
        assertThat(pushes.pushMids(List.of(77L), 5, HELLO)).isZero();
        assertThat(publisher.calls).hasValue(0);
    }

    @Test
    void duplicateTargetsArePushedOnce() {
        pushes.pushKeys(List.of("k1", "k3", "k1"), 5, HELLO);
        assertThat(publisher.published).containsExactly(new Push.Keys("comet-a", List.of("k1", "k3"), 5, HELLO));
    }

    @Test
    void roomAndBroadcastPushesAreOneMessageEach() {
        pushes.pushRoom("live://1000", 5, HELLO);
        pushes.pushAll(6, HELLO, 100);
        assertThat(publisher.published).containsExactly(new Push.Room("live://1000", 5, HELLO),
                new Push.Broadcast(6, HELLO, 100));
    }

    @Test
    void badInputIsRefusedWithMinus400AndPublishesNothing() {
        List<Runnable> bad = new ArrayList<>();
        bad.add(() -> pushes.pushKeys(List.of("k1"), 0, HELLO));
        bad.add(() -> pushes.pushKeys(List.of("k1"), -5, HELLO));
        bad.add(() -> pushes.pushKeys(List.of("k1"), 5, new byte[0]));
        bad.add(() -> pushes.pushKeys(List.of("k1"), 5, null));
        bad.add(() -> pushes.pushKeys(List.of("k1"), 5, new byte[17]));
        bad.add(() -> pushes.pushKeys(List.of(), 5, HELLO));
        bad.add(() -> pushes.pushKeys(List.of("k1", "k2", "k3", "k4", "k5"), 5, HELLO));
        bad.add(() -> pushes.pushKeys(List.of("k1", " "), 5, HELLO));
        bad.add(() -> pushes.pushKeys(List.of("k".repeat(129)), 5, HELLO));
        bad.add(() -> pushes.pushKeys(Collections.singletonList(null), 5, HELLO));
        bad.add(() -> pushes.pushMids(List.of(1L, 0L), 5, HELLO));
        bad.add(() -> pushes.pushMids(List.of(-1L), 5, HELLO));
        bad.add(() -> pushes.pushMids(LongStream.rangeClosed(1, 5).boxed().toList(), 5, HELLO));
        bad.add(() -> pushes.pushRoom("live1000", 5, HELLO));
        bad.add(() -> pushes.pushRoom("live://", 5, HELLO));
        bad.add(() -> pushes.pushRoom("://1", 5, HELLO));
        bad.add(() -> pushes.pushRoom("live://1 2", 5, HELLO));
        bad.add(() -> pushes.pushRoom(null, 5, HELLO));
        bad.add(() -> pushes.pushRoom("live://1", 0, HELLO));
        bad.add(() -> pushes.pushAll(5, HELLO, -1));
        bad.add(() -> pushes.pushAll(0, HELLO, 0));
        bad.add(() -> pushes.pushAll(5, new byte[17], 0));
        for (Runnable r : bad) {
            assertThat(error(r).code()).isEqualTo(-400);
        }
        assertThat(publisher.calls).hasValue(0);
        assertThat(routes.lookups).as("nothing looked up either").hasValue(0);
    }

    @Test
    void theBodyLimitIsInclusive() {
        byte[] max = new byte[16];
        Arrays.fill(max, (byte) 'x');
        pushes.pushRoom("live://1", 5, max);
        assertThat(publisher.published).hasSize(1);
    }
}
