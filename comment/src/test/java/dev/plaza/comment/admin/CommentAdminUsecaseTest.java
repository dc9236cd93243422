package dev.plaza.comment.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.errors.PlazaError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin rules on their own: which actions are sent, which refused, and with what codes. */
class CommentAdminUsecaseTest {
    private static final SubjectKey KEY = new SubjectKey(1, 100);
    private static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

    private final Map<Long, ReplyIndex> rows = new HashMap<>();
    private final List<CommentEvent> sent = new ArrayList<>();
    private final List<CommentSearchQuery> queries = new ArrayList<>();
    private CountDownLatch reindexGate = new CountDownLatch(0);
    private final CommentAdminUsecase usecase = new CommentAdminUsecase(
            q -> {
                queries.add(q);
                return new CommentSearchPage(q.pn(), q.ps(), 0, List.of());
            },
            (key, rpid) -> Optional.ofNullable(rows.get(rpid)).filter(r -> r.key().equals(key)),
            (key, event) -> sent.add(event),
            () -> {
                try {
                    reindexGate.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new IndexRebuilder.Result("idx", 3, Duration.ofMillis(1));
            },
            Clock.fixed(NOW, ZoneOffset.UTC));

    private void row(long rpid, long root, int state, int attrs) {
        rows.put(rpid, new ReplyIndex(rpid, KEY, 5, root, root, root, 1, 0, 0, 0, 0, state, attrs, NOW));
    }

    @Test
    void moderationSendsTheTargetStateUnlessTheCommentIsAlreadyThere() {
        row(1, 0, ReplyState.NORMAL, 0);
        row(2, 0, ReplyState.PENDING, 0);
        assertThat(usecase.moderate(KEY, 1, CommentAdminUsecase.Moderation.HIDE, 9).published()).isTrue();
        assertThat(usecase.moderate(KEY, 1, CommentAdminUsecase.Moderation.RESTORE, 9).published()).isFalse();
        assertThat(usecase.moderate(KEY, 2, CommentAdminUsecase.Moderation.APPROVE, 9).published()).isTrue();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getModerate().getState()).isEqualTo(ReplyState.HIDDEN);
        assertThat(sent.get(0).getModerate().getOperatorMid()).isEqualTo(9);
        assertThat(sent.get(0).getEventTime()).isEqualTo(NOW.toEpochMilli());
        assertThat(sent.get(1).getModerate().getState()).isEqualTo(ReplyState.NORMAL);
    }

    @Test
    void deletedOrMissingCommentsAreRefused() {
        row(1, 0, ReplyState.DELETED, 0);
        for (Runnable r : List.<Runnable>of(
                () -> usecase.moderate(KEY, 1, CommentAdminUsecase.Moderation.RESTORE, 9),
                () -> usecase.delete(KEY, 1, 9),
                () -> usecase.pin(KEY, 1, true))) {
            assertThatThrownBy(r::run).isInstanceOfSatisfying(PlazaError.class,
                    e -> assertThat(e.code()).isEqualTo(12022));
        }
        assertThatThrownBy(() -> usecase.delete(KEY, 2, 9)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-404));
        assertThatThrownBy(() -> usecase.delete(new SubjectKey(1, 101), 1, 9))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-404));
        assertThat(sent).isEmpty();
    }

    @Test
    void onlyVisibleRootsArePinned() {
        row(1, 0, ReplyState.NORMAL, 0);
        row(2, 1, ReplyState.NORMAL, 0);
        row(3, 0, ReplyState.HIDDEN, 0);
        row(4, 0, ReplyState.NORMAL, ReplyState.ATTR_PINNED);
        assertThat(usecase.pin(KEY, 1, true).published()).isTrue();
        assertThatThrownBy(() -> usecase.pin(KEY, 2, true)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-400));
        assertThatThrownBy(() -> usecase.pin(KEY, 3, true)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-404));
        assertThat(usecase.pin(KEY, 4, true).published()).isFalse();
        assertThat(usecase.pin(KEY, 4, false).published()).isTrue();
        assertThat(usecase.pin(KEY, 1, false).published()).isFalse(); // the row still says unpinned
        assertThat(sent).extracting(e -> e.getPin().getPinned()).containsExactly(true, false);
    }

    @Test
    void anAdminDeleteSaysWhoDidIt() {
        row(1, 0, ReplyState.HIDDEN, 0);
        usecase.delete(KEY, 1, 9);
        assertThat(sent.get(0).getDelete().getBy()).isEqualTo(3);
        assertThat(sent.get(0).getDelete().getOperatorMid()).isEqualTo(9);
        assertThat(sent.get(0).getDelete().getOid()).isEqualTo(100);
    }

    @Test
    void theQueueAsksForPendingCommentsOldestFirst() {
        usecase.queue(1, 100L, 2, 10);
        CommentSearchQuery q = queries.get(0);
        assertThat(q.state()).isEqualTo(ReplyState.PENDING);
        assertThat(q.oldestFirst()).isTrue();
        assertThat(q.type()).isEqualTo(1);
        assertThat(q.oid()).isEqualTo(100L);
        assertThat(q.offset()).isEqualTo(10);
    }

    @Test
    void oneReindexAtATime() throws Exception {
        reindexGate = new CountDownLatch(1);
        CompletableFuture<IndexRebuilder.Result> first = CompletableFuture.supplyAsync(usecase::reindex);
        Thread.sleep(100);
        assertThatThrownBy(usecase::reindex).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-503));
        reindexGate.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).documents()).isEqualTo(3);
        assertThat(usecase.reindex().index()).isEqualTo("idx");
    }

    @Test
    void queriesValidateTheirBounds() {
        assertThatThrownBy(() -> CommentSearchQuery.all(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommentSearchQuery.all(1, 51)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommentSearchQuery.all(201, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommentSearchQuery(null, null, null, null, null, NOW, NOW.minusSeconds(1), 1, 1,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new CommentSearchQuery("  ", null, null, null, null, null, null, 1, 1, false).keyword()).isNull();
        assertThat(CommentSearchQuery.all(200, 50).offset()).isEqualTo(9950);
    }
}
