package dev.plaza.comment.biz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HotSubjectsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private HotSubjects hot(int capacity, int topK, long minHits) {
        // a 1 s window in 4 slots of 250 ms
        return new HotSubjects(new HotSubjects.Settings(capacity, topK, Duration.ofSeconds(1), 4, minHits), now::get);
    }

    private void advance(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    private static SubjectKey video(long oid) {
        return new SubjectKey(1, oid);
    }

    @Test
    void aSubjectTurnsHotOneSlotAfterItsTrafficAndColdAfterTheWindow() {
        HotSubjects h = hot(64, 4, 10);
        for (int i = 0; i < 20; i++) {
            assertThat(h.touch(video(1))).isFalse();
        }
        h.touch(video(2));
        advance(250);
        assertThat(h.touch(video(1))).isTrue();
        assertThat(h.isHot(video(2))).isFalse(); // one read is not hot
        // quiet for longer than the window: cold again
        advance(1_250);
        assertThat(h.hot()).isEmpty();
        assertThat(h.touch(video(1))).isFalse();
    }

    @Test
    void readsAddUpAcrossTheSlotsOfTheWindow() {
        HotSubjects h = hot(64, 4, 10);
        for (int slot = 0; slot < 4; slot++) {
            for (int i = 0; i < 3; i++) {
                h.touch(video(1));
            }
            advance(250);
        }
        // 12 reads over the last four slots
        assertThat(h.hot()).containsExactly(video(1));
        advance(250); // the first slot's 3 reads leave the window: 9 < 10
        assertThat(h.hot()).isEmpty();
    }

    @Test
    void onlyTheTopKAreHot() {
        HotSubjects h = hot(64, 3, 5);
        for (int oid = 1; oid <= 6; oid++) {
            for (int i = 0; i < 10 * oid; i++) {
                h.touch(video(oid));
            }
        }
        advance(250);
        assertThat(h.hot()).containsExactlyInAnyOrder(video(4), video(5), video(6));
    }

    @Test
    void aLongTailDoesNotHideTheHeavyHittersAndMemoryStaysBounded() {
        HotSubjects h = hot(32, 2, 50);
        for (int round = 0; round < 200; round++) {
            h.touch(video(1));
            h.touch(video(1));
            h.touch(video(2));
            for (int tail = 0; tail < 10; tail++) {
                h.touch(video(1_000 + round * 10L + tail)); // 2,000 distinct subjects, each read once
            }
        }
        HotSubjects.SpaceSaving probe = new HotSubjects.SpaceSaving(32);
        for (int i = 0; i < 1_000; i++) {
            probe.offer(video(i + 1));
        }
        assertThat(probe.counts).hasSize(32);
        advance(250);
        assertThat(h.hot()).containsExactlyInAnyOrder(video(1), video(2));
    }

    @Test
    void spaceSavingNeverUnderestimates() {
        HotSubjects.SpaceSaving s = new HotSubjects.SpaceSaving(4);
        for (int i = 0; i < 100; i++) {
            s.offer(video(1));
            s.offer(video(100 + i));
        }
        assertThat(s.estimate(video(1))).isGreaterThanOrEqualTo(100);
    }
}
