package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpFilterTest {
    @Test
    void noAcceptsMeansEverything() {
        OpFilter f = OpFilter.of(Set.of());
        assertThat(f.accepts(1000)).isTrue();
        assertThat(f.accepts(5)).isTrue();
    }

    @Test
    void acceptsListsTheOnlyOperationsTaken() {
        OpFilter f = OpFilter.of(Set.of(1000, 1001));
        assertThat(f.accepts(1000)).isTrue();
        assertThat(f.accepts(1002)).isFalse();
    }

    @Test
    void subAndUnsubAdjustAnExplicitList() {
        OpFilter f = OpFilter.of(Set.of(1000)).sub(List.of(1001)).unsub(List.of(1000));
        assertThat(f.accepts(1000)).isFalse();
        assertThat(f.accepts(1001)).isTrue();
        assertThat(f.unsub(List.of(1001)).accepts(1001)).as("unsubscribing everything takes nothing").isFalse();
    }

    @Test
    void unsubFromEverythingExcludesJustThoseAndSubTakesThemBack() {
        OpFilter f = OpFilter.ALL.unsub(List.of(1000));
        assertThat(f.accepts(1000)).isFalse();
        assertThat(f.accepts(1001)).isTrue();
        assertThat(f.sub(List.of(1000)).accepts(1000)).isTrue();
        assertThat(OpFilter.ALL.sub(List.of(1000)).accepts(1001)).as("sub while taking all changes nothing").isTrue();
    }
}
