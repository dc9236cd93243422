package dev.plaza.comment.biz;

import dev.plaza.kit.text.SensitiveFilter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.PostEvent;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.id.Snowflake;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommentUsecaseTest {
    private static final SubjectKey VIDEO = new SubjectKey(1, 42);
    private static final SubjectKey OTHER = new SubjectKey(1, 43);
    private static final SubjectKey EMPTY_VIDEO = new SubjectKey(1, 44);
    private static final long OWNER = 7;
    private static final long ALICE = 101;
    private static final long BOB = 102;

    private Fakes.Repo repo;
    private Fakes.Cache cache;
    private Fakes.Events events;
    private Fakes.Members members;
    private Fakes.Limiter posts;
    private Fakes.Limiter actions;
    private Fakes.SubjectQuota subjectQuota;
    private Fakes.Duplicates duplicates;
    private CommentUsecase writes;

    @BeforeEach
    void setUp() {
        repo = new Fakes.Repo();
        events = new Fakes.Events();
        Fakes.Subjects subjects = new Fakes.Subjects();
        subjects.owners.put(VIDEO, OWNER);
        subjects.owners.put(OTHER, OWNER);
        subjects.owners.put(EMPTY_VIDEO, OWNER);
        repo.subject(VIDEO, OWNER);
        repo.subject(OTHER, OWNER);
        members = new Fakes.Members().add(OWNER, "uploader").add(ALICE, "alice").add(BOB, "bob");
        posts = new Fakes.Limiter(100);
        actions = new Fakes.Limiter(100);
        subjectQuota = new Fakes.SubjectQuota(100);
        duplicates = new Fakes.Duplicates();
        writes = usecase(new SensitiveFilter(List.of("badword", "脏话"), SensitiveFilter.Mode.REJECT));
    }

    private CommentUsecase usecase(SensitiveFilter filter) {
        Fakes.Subjects subjects = new Fakes.Subjects();
        subjects.owners.put(VIDEO, OWNER);
        subjects.owners.put(OTHER, OWNER);
        subjects.owners.put(EMPTY_VIDEO, OWNER);
        cache = new Fakes.Cache();
        CommentReadUsecase reads = new CommentReadUsecase(cache, repo, events, subjects,
                Fakes.heat(), CommentReadUsecase.Settings.defaults(),
                Clock.systemUTC());
        return new CommentUsecase(reads, repo, events, new Mentions(members), filter, posts, actions,
                subjectQuota, duplicates, new Snowflake(3), Clock.systemUTC());
    }

    private PostResult post(long mid, String message) {
        return writes.post(new NewPost(VIDEO, mid, message, 0, 0, "10.0.0.1", "1", "test"));
    }

    private PostResult reply(long mid, long root, long parent, String message) {
        return writes.post(new NewPost(VIDEO, mid, message, root, parent, "", "", ""));
    }

    private void refused(ThrowableAssert.ThrowingCallable call, int code, String reason) {
        int before = events.published.size();
        assertThatThrownBy(call).isInstanceOfSatisfying(PlazaError.class, e -> {
            assertThat(e.code()).as(e.toString()).isEqualTo(code);
            if (reason != null) {
                assertThat(e.reason()).isEqualTo(reason);
            }
        });
        assertThat(events.published).as("nothing published").hasSize(before);
    }

    @Test
    void postPublishesTheEventAndAnswersTheComment() {
        PostResult r = post(ALICE, "  hello @bob and @nobody,  see @uploader  ");
        assertThat(r.pendingReview()).isFalse();
        Reply reply = r.reply();
        assertThat(reply.rpid()).isPositive();
        assertThat(reply.index().floor()).isZero();
        assertThat(reply.index().state()).isEqualTo(ReplyState.NORMAL);
        assertThat(reply.content().message()).isEqualTo("  hello @bob and @nobody,  see @uploader  ");
        assertThat(reply.content().atMids()).containsExactly(BOB, OWNER);
        assertThat(events.published).hasSize(1);
        PostEvent e = events.published.getFirst().getPost();
        assertThat(e.getRpid()).isEqualTo(reply.rpid());
        assertThat(e.getMid()).isEqualTo(ALICE);
        assertThat(e.getOwnerMid()).isEqualTo(OWNER);
        assertThat(e.getMessage()).isEqualTo(reply.content().message());
        assertThat(e.getAtMidsList()).containsExactly(BOB, OWNER);
        assertThat(e.getIp()).isEqualTo("10.0.0.1");
        assertThat(e.getState()).isZero();
        assertThat(events.published.getFirst().getEventTime()).isPositive();
        assertThat(Snowflake.decode(reply.rpid()).workerId()).isEqualTo(3);
    }

    @Test
    void firstCommentOnAVideoWithoutSubjectCarriesTheOwner() {
        PostResult r = writes.post(new NewPost(EMPTY_VIDEO, ALICE, "first!", 0, 0, "", "", ""));
        assertThat(events.published.getFirst().getPost().getOwnerMid()).isEqualTo(OWNER);
        assertThat(r.reply().index().key()).isEqualTo(EMPTY_VIDEO);
    }

    @Test
    void messageRules() {
        refused(() -> post(ALICE, ""), -400, "MESSAGE_EMPTY");
        refused(() -> post(ALICE, null), -400, "MESSAGE_EMPTY");
        refused(() -> post(ALICE, " \n\t "), -400, "MESSAGE_EMPTY");
        refused(() -> post(ALICE, "x".repeat(1001)), 12025, "MESSAGE_TOO_LONG");
        refused(() -> post(ALICE, "😀".repeat(1001)), 12025, "MESSAGE_TOO_LONG");
        assertThat(post(ALICE, "😀".repeat(1000)).reply().content().message()).hasSize(2000);
        assertThat(post(ALICE, "x".repeat(1000))).isNotNull();
        assertThat(post(ALICE, "<script>alert(1)</script> & \"quotes\"").reply().content().message())
                .isEqualTo("<script>alert(1)</script> & \"quotes\"");
    }

    @Test
    void unknownVideoAndClosedSubjectAreRefused() {
        refused(() -> writes.post(new NewPost(new SubjectKey(1, 999), ALICE, "hi", 0, 0, "", "", "")), -404,
                "SUBJECT_NOT_FOUND");
        repo.close(VIDEO);
        refused(() -> post(ALICE, "hi"), 12002, "SUBJECT_CLOSED");
    }

    @Test
    void rateLimitAndDuplicates() {
        post(ALICE, "one");
        refused(() -> post(ALICE, "one"), 12051, "DUPLICATE");
        // same text elsewhere or by someone else is fine
        writes.post(new NewPost(OTHER, ALICE, "one", 0, 0, "", "", ""));
        post(BOB, "one");
        posts.limit = 4;
        post(ALICE, "two");
        refused(() -> post(ALICE, "three"), -509, "TOO_FREQUENT");
        post(BOB, "bob again");
    }

    @Test
    void aSubjectsQuotaHoldsForAllUsersTogether() {
        Reply root = repo.add(VIDEO, BOB, 0, 0, "root");
        subjectQuota.limit = 3;
        post(ALICE, "one");
        post(BOB, "two");
        reply(ALICE, root.rpid(), 0, "three");
        refused(() -> post(BOB, "four"), -509, "TOO_FREQUENT");
        refused(() -> reply(ALICE, root.rpid(), 0, "a reply counts too"), -509, "TOO_FREQUENT");
        writes.post(new NewPost(OTHER, BOB, "another video has a quota of its own", 0, 0, "", "", ""));
        assertThat(events.published).hasSize(4);
    }

    @Test
    void aUserOverTheirOwnBudgetSpendsNothingOfTheSubjects() {
        posts.limit = 1;
        post(ALICE, "one");
        refused(() -> post(ALICE, "two"), -509, "TOO_FREQUENT");
        refused(() -> post(ALICE, "three"), -509, "TOO_FREQUENT");
        assertThat(subjectQuota.used.get(VIDEO).get()).isEqualTo(1);
    }

    @Test
    void failedPublishForgetsTheDuplicateClaim() {
        events.failWith = PlazaError.overloaded("MQ_UNAVAILABLE", "kafka down");
        assertThatThrownBy(() -> post(ALICE, "retry me")).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-503));
        events.failWith = null;
        assertThat(post(ALICE, "retry me")).isNotNull();
    }

    @Test
    void sensitiveWordsRejectOrHoldForReview() {
        refused(() -> post(ALICE, "this is a BADWORD here"), 12016, "SENSITIVE_WORDS");
        refused(() -> post(ALICE, "说脏话了"), 12016, "SENSITIVE_WORDS");
        writes = usecase(new SensitiveFilter(List.of("badword"), SensitiveFilter.Mode.REVIEW));
        PostResult r = post(ALICE, "this is a badword here");
        assertThat(r.pendingReview()).isTrue();
        assertThat(r.reply().index().state()).isEqualTo(ReplyState.PENDING);
        assertThat(events.published.getLast().getPost().getState()).isEqualTo(ReplyState.PENDING);
    }

    @Test
    void repliesMustFormAThreadOfThisSubject() {
        Reply root = repo.add(VIDEO, BOB, 0, 0, "root");
        Reply r1 = repo.add(VIDEO, OWNER, root.rpid(), root.rpid(), "r1");
        Reply otherRoot = repo.add(OTHER, BOB, 0, 0, "elsewhere");
        Reply root2 = repo.add(VIDEO, BOB, 0, 0, "root2");

        PostResult direct = reply(ALICE, root.rpid(), 0, "to the root @bob");
        assertThat(direct.reply().index().parent()).isEqualTo(root.rpid());
        assertThat(direct.reply().index().dialog()).isEqualTo(direct.reply().rpid());
        assertThat(direct.reply().content().atMids()).containsExactly(BOB);
        PostResult deeper = reply(ALICE, root.rpid(), r1.rpid(), "to r1");
        assertThat(deeper.reply().index().dialog()).isEqualTo(r1.rpid());
        assertThat(events.published.getLast().getPost().getParent()).isEqualTo(r1.rpid());

        refused(() -> reply(ALICE, 0, root.rpid(), "parent without root"), -400, "BAD_THREAD");
        refused(() -> reply(ALICE, 987_654, 0, "no such root"), -404, "REPLY_NOT_FOUND");
        refused(() -> reply(ALICE, r1.rpid(), 0, "a reply is not a root"), -400, "BAD_THREAD");
        refused(() -> reply(ALICE, root2.rpid(), r1.rpid(), "parent under another root"), -400, "BAD_THREAD");
        refused(() -> reply(ALICE, otherRoot.rpid(), 0, "root of another video"), -404, "REPLY_NOT_FOUND");
        refused(() -> reply(ALICE, root.rpid(), 987_654, "no such parent"), -404, "REPLY_NOT_FOUND");
        refused(() -> reply(ALICE, -1, 0, "negative"), -400, "BAD_THREAD");
        repo.setState(root2.rpid(), ReplyState.DELETED);
        cache.evictReply(root2.rpid()); // as the job does when it applies a delete
        refused(() -> reply(ALICE, root2.rpid(), 0, "to a deleted root"), 12022, "ALREADY_DELETED");
        repo.setState(r1.rpid(), ReplyState.HIDDEN);
        cache.evictReply(r1.rpid());
        refused(() -> reply(ALICE, root.rpid(), r1.rpid(), "to a hidden reply"), -404, "REPLY_NOT_FOUND");
    }

    @Test
    void likesAndDislikes() {
        Reply root = repo.add(VIDEO, BOB, 0, 0, "root");
        writes.act(VIDEO, root.rpid(), ALICE, CommentUsecase.KIND_LIKE, true);
        writes.act(VIDEO, root.rpid(), ALICE, CommentUsecase.KIND_HATE, false);
        List<CommentEvent> acts = events.of(CommentEvent.EventCase.ACTION);
        assertThat(acts).hasSize(2);
        assertThat(acts.get(0).getAction().getKind()).isEqualTo(1);
        assertThat(acts.get(0).getAction().getAction()).isEqualTo(1);
        assertThat(acts.get(0).getAction().getMid()).isEqualTo(ALICE);
        assertThat(acts.get(1).getAction().getKind()).isEqualTo(2);
        assertThat(acts.get(1).getAction().getAction()).isZero();
        refused(() -> writes.act(VIDEO, 987_654, ALICE, 1, true), -404, "REPLY_NOT_FOUND");
        refused(() -> writes.act(OTHER, root.rpid(), ALICE, 1, true), -404, "REPLY_NOT_FOUND");
        refused(() -> writes.act(VIDEO, root.rpid(), ALICE, 3, true), -400, null);
        refused(() -> writes.act(VIDEO, root.rpid(), 0, 1, true), -101, null);
        actions.limit = 2;
        refused(() -> writes.act(VIDEO, root.rpid(), ALICE, 1, true), -509, "TOO_FREQUENT");
    }

    @Test
    void deleteByAuthorOwnerOrAdminOnly() {
        Reply a = repo.add(VIDEO, ALICE, 0, 0, "alice's");
        Reply b = repo.add(VIDEO, ALICE, 0, 0, "alice's too");
        Reply c = repo.add(VIDEO, ALICE, 0, 0, "alice's three");
        refused(() -> writes.delete(VIDEO, a.rpid(), BOB, false), -403, "NOT_ALLOWED");
        assertThat(writes.delete(VIDEO, a.rpid(), ALICE, false)).isEqualTo(CommentUsecase.BY_AUTHOR);
        assertThat(writes.delete(VIDEO, b.rpid(), OWNER, false)).isEqualTo(CommentUsecase.BY_OWNER);
        assertThat(writes.delete(VIDEO, c.rpid(), BOB, true)).isEqualTo(CommentUsecase.BY_ADMIN);
        assertThat(events.of(CommentEvent.EventCase.DELETE)).extracting(e -> e.getDelete().getBy())
                .containsExactly(1, 2, 3);
        repo.setState(a.rpid(), ReplyState.DELETED);
        refused(() -> writes.delete(VIDEO, a.rpid(), ALICE, false), 12022, "ALREADY_DELETED");
        refused(() -> writes.delete(VIDEO, 987_654, ALICE, false), -404, "REPLY_NOT_FOUND");
        refused(() -> writes.delete(OTHER, b.rpid(), ALICE, false), -404, "REPLY_NOT_FOUND");
    }

    @Test
    void deletesPinsAndClosesSpendTheActionBudget() {
        Reply a = repo.add(VIDEO, ALICE, 0, 0, "one");
        Reply b = repo.add(VIDEO, ALICE, 0, 0, "two");
        actions.limit = 2;
        writes.pin(VIDEO, a.rpid(), OWNER, false, true);
        writes.setClosed(VIDEO, OWNER, false, true);
        int published = events.published.size();
        refused(() -> writes.delete(VIDEO, b.rpid(), OWNER, false), -509, "TOO_FREQUENT");
        refused(() -> writes.pin(VIDEO, b.rpid(), OWNER, false, true), -509, "TOO_FREQUENT");
        refused(() -> writes.setClosed(VIDEO, OWNER, false, false), -509, "TOO_FREQUENT");
        assertThat(events.published).as("nothing published once the budget is spent").hasSize(published);
        assertThat(writes.delete(VIDEO, b.rpid(), ALICE, false)).as("another user's budget is their own")
                .isEqualTo(CommentUsecase.BY_AUTHOR);
        assertThat(events.of(CommentEvent.EventCase.CLOSE).getFirst().getClose().getOwnerMid())
                .as("the close carries the owner, for a subject row that does not exist yet").isEqualTo(OWNER);
    }

    @Test
    void pinAndCloseByOwnerOrAdminOnly() {
        Reply root = repo.add(VIDEO, ALICE, 0, 0, "pin me");
        Reply r = repo.add(VIDEO, ALICE, root.rpid(), root.rpid(), "not me");
        refused(() -> writes.pin(VIDEO, root.rpid(), ALICE, false, true), -403, "NOT_ALLOWED");
        refused(() -> writes.pin(VIDEO, r.rpid(), OWNER, false, true), -400, "BAD_THREAD");
        refused(() -> writes.pin(VIDEO, 987_654, OWNER, false, true), -404, "REPLY_NOT_FOUND");
        writes.pin(VIDEO, root.rpid(), OWNER, false, true);
        writes.pin(VIDEO, root.rpid(), BOB, true, false);
        assertThat(events.of(CommentEvent.EventCase.PIN)).extracting(e -> e.getPin().getPinned())
                .containsExactly(true, false);

        refused(() -> writes.setClosed(VIDEO, ALICE, false, true), -403, "NOT_ALLOWED");
        refused(() -> writes.setClosed(new SubjectKey(1, 999), OWNER, false, true), -404, "SUBJECT_NOT_FOUND");
        writes.setClosed(VIDEO, OWNER, false, true);
        writes.setClosed(EMPTY_VIDEO, BOB, true, false);
        Consumer<CommentEvent> closed = e -> assertThat(e.hasClose()).isTrue();
        assertThat(events.of(CommentEvent.EventCase.CLOSE)).hasSize(2).allSatisfy(closed);
        assertThat(events.of(CommentEvent.EventCase.CLOSE).getFirst().getClose().getClosed()).isTrue();
    }
}
