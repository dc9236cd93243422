package dev.plaza.comment.admin;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.DeleteEvent;
import dev.plaza.api.comment.v1.ModerateEvent;
import dev.plaza.api.comment.v1.PinEvent;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.SubjectKey;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What moderators do: search, the review queue, and actions on one comment. Actions are checked against the tables
 * (the search index may trail them) and then published as events on the comment write path, so the job applies them
 * with the same ordering, idempotence and count fixing as every other write; they take effect within moments, not
 * inside this call.
 */
public final class CommentAdminUsecase {
    /** {@code DeleteEvent.by}: deleted by an admin. */
    static final int DELETED_BY_ADMIN = 3;

    /** The moderation actions that move a comment between states. */
    public enum Moderation {
        /** Hide a visible or pending comment. */
        HIDE(ReplyState.HIDDEN),
        /** Show a hidden comment again. */
        RESTORE(ReplyState.NORMAL),
        /** Let a comment held for review through. */
        APPROVE(ReplyState.NORMAL);

        private final int target;

        Moderation(int target) {
            this.target = target;
        }

        public int target() {
            return target;
        }
    }

    /**
     * The answer to an action.
     *
     * @param state     the comment's state when the action was checked
     * @param target    the state it is moving to
     * @param published false when the comment already was where the action leads (nothing was sent)
     */
    public record ActionResult(long rpid, int state, int target, boolean published) {
    }

    private final CommentSearch search;
    private final ReplyLookup lookup;
    private final CommentEvents events;
    private final IndexRebuilder rebuilder;
    private final Clock clock;
    private final AtomicBoolean reindexing = new AtomicBoolean();

    public CommentAdminUsecase(CommentSearch search, ReplyLookup lookup, CommentEvents events, IndexRebuilder rebuilder,
                               Clock clock) {
        this.search = Objects.requireNonNull(search, "search");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.events = Objects.requireNonNull(events, "events");
        this.rebuilder = Objects.requireNonNull(rebuilder, "rebuilder");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public CommentSearchPage search(CommentSearchQuery query) {
        return search.search(query);
    }

    /** Comments held for review (state PENDING), oldest first, optionally of one subject or one type. */
    public CommentSearchPage queue(Integer type, Long oid, int pn, int ps) {
        return search.search(new CommentSearchQuery(null, null, oid, type, ReplyState.PENDING, null, null, pn, ps, true));
    }

    public ActionResult moderate(SubjectKey key, long rpid, Moderation action, long operatorMid) {
        ReplyIndex r = existing(key, rpid);
        if (r.state() == action.target()) {
            return new ActionResult(rpid, r.state(), action.target(), false);
        }
        publish(key, CommentEvent.newBuilder().setModerate(ModerateEvent.newBuilder()
                .setRpid(rpid).setType(key.type()).setOid(key.oid()).setState(action.target())
                .setOperatorMid(operatorMid)));
        return new ActionResult(rpid, r.state(), action.target(), true);
    }

    public ActionResult delete(SubjectKey key, long rpid, long operatorMid) {
        ReplyIndex r = existing(key, rpid);
        publish(key, CommentEvent.newBuilder().setDelete(DeleteEvent.newBuilder()
                .setRpid(rpid).setType(key.type()).setOid(key.oid()).setOperatorMid(operatorMid)
                .setBy(DELETED_BY_ADMIN)));
        return new ActionResult(rpid, r.state(), ReplyState.DELETED, true);
    }

    /** Pins a visible root comment (the job unpins the previous one) or unpins it. */
    public ActionResult pin(SubjectKey key, long rpid, boolean pinned) {
        ReplyIndex r = existing(key, rpid);
        if (!r.isRoot()) {
            throw AdminErrors.notARoot(rpid);
        }
        if (pinned && !ReplyState.visible(r.state())) {
            throw AdminErrors.replyNotFound(rpid);
        }
        if (r.pinned() == pinned) {
            return new ActionResult(rpid, r.state(), r.state(), false);
        }
        publish(key, CommentEvent.newBuilder().setPin(PinEvent.newBuilder()
                .setRpid(rpid).setType(key.type()).setOid(key.oid()).setPinned(pinned)));
        return new ActionResult(rpid, r.state(), r.state(), true);
    }

    /** Rebuilds the search index from the tables; one at a time (-503 while another runs). */
    public IndexRebuilder.Result reindex() {
        if (!reindexing.compareAndSet(false, true)) {
            throw AdminErrors.reindexRunning();
        }
        try {
            return rebuilder.reindexAll();
        } finally {
            reindexing.set(false);
        }
    }

    /** The comment, which must exist in this subject and not be deleted. */
    private ReplyIndex existing(SubjectKey key, long rpid) {
        ReplyIndex r = lookup.find(key, rpid).orElseThrow(() -> AdminErrors.replyNotFound(rpid));
        if (r.state() == ReplyState.DELETED) {
            throw AdminErrors.alreadyDeleted(rpid);
        }
        return r;
    }

    private void publish(SubjectKey key, CommentEvent.Builder event) {
        events.publish(key, event.setEventTime(clock.millis()).build());
    }
}
