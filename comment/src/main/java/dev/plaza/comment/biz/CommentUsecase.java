package dev.plaza.comment.biz;

import dev.plaza.kit.text.SensitiveFilter;
import dev.plaza.api.comment.v1.ActionEvent;
import dev.plaza.api.comment.v1.CloseEvent;
import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.api.comment.v1.DeleteEvent;
import dev.plaza.api.comment.v1.PinEvent;
import dev.plaza.api.comment.v1.PostEvent;
import dev.plaza.kit.id.Snowflake;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The write path as the service role runs it: check everything that can be checked before the write, give it an id
 * and hand it to the job through Kafka ({@link CommentEvents#publish} returns once the broker acknowledged it). The
 * job applies the events in order per subject; this class never writes the tables. Nothing is published for a
 * refused request.
 *
 * <p>Post checks, in order: message 1..1000 characters (-400 / 12025); the object exists (-404) and its comments
 * are open (12002); root and parent form a thread of this subject (-404 / 12022 / -400); the user's write budget
 * (-509), then the subject's quota over all users (-509 too); sensitive words (12016, or held for review); the same
 * text again within the window (12051).
 */
public final class CommentUsecase {
    /** {@link DeleteEvent#getBy()} values. */
    public static final int BY_AUTHOR = 1;
    public static final int BY_OWNER = 2;
    public static final int BY_ADMIN = 3;
    /** {@link ActionEvent#getKind()} values. */
    public static final int KIND_LIKE = 1;
    public static final int KIND_HATE = 2;

    private final CommentReadUsecase reads;
    private final CommentReadRepo repo;
    private final CommentEvents events;
    private final Mentions mentions;
    private final SensitiveFilter sensitive;
    private final WriteLimiter postLimiter;
    private final WriteLimiter actionLimiter;
    private final SubjectPostQuota subjectQuota;
    private final DuplicateGuard duplicates;
    private final Snowflake ids;
    private final Clock clock;

    public CommentUsecase(CommentReadUsecase reads, CommentReadRepo repo, CommentEvents events, Mentions mentions,
                          SensitiveFilter sensitive, WriteLimiter postLimiter, WriteLimiter actionLimiter,
                          SubjectPostQuota subjectQuota, DuplicateGuard duplicates, Snowflake ids, Clock clock) {
        this.reads = reads;
        this.repo = repo;
        this.events = events;
        this.mentions = mentions;
        this.sensitive = sensitive;
        this.postLimiter = postLimiter;
        this.actionLimiter = actionLimiter;
        this.subjectQuota = subjectQuota;
        this.duplicates = duplicates;
        this.ids = ids;
        this.clock = clock;
    }

    /** Where a new comment hangs, checked. */
    private record Placement(long root, long parent, long parentDialog, List<Long> participants) {
    }

    public PostResult post(NewPost p) {
        requireMid(p.mid());
        String message = p.message() == null ? "" : p.message();
        if (message.isBlank()) {
            throw CommentErrors.empty();
        }
        int length = CommentRules.length(message);
        if (length > CommentRules.MESSAGE_MAX) {
            throw CommentErrors.tooLong(CommentRules.MESSAGE_MAX, length);
        }
        SubjectKey key = p.key();
        Subject subject = reads.subject(key);
        if (subject.closed()) {
            throw CommentErrors.closed(key);
        }
        Placement thread = thread(key, p.root(), p.parent(), subject.ownerMid());
        // the user's own budget first: a user over it must not spend the subject's shared quota
        if (!postLimiter.tryAcquire(p.mid()) || !subjectQuota.tryAcquire(key)) {
            throw CommentErrors.tooFrequent();
        }
        int state = ReplyState.NORMAL;
        SensitiveFilter.Verdict verdict = sensitive.check(message);
        if (!verdict.clean()) {
            if (sensitive.mode() == SensitiveFilter.Mode.REJECT) {
                throw CommentErrors.sensitive();
            }
            state = ReplyState.PENDING;
        }
        if (!duplicates.claim(p.mid(), key, message)) {
            throw CommentErrors.duplicate();
        }
        try {
            List<Long> atMids = mentions.resolve(message, thread.participants());
            long rpid = ids.nextId();
            long dialog = thread.root() == 0 ? 0 : thread.parent() == thread.root() ? rpid : thread.parentDialog();
            Instant now = clock.instant();
            PostEvent event = PostEvent.newBuilder()
                    .setRpid(rpid).setType(key.type()).setOid(key.oid()).setMid(p.mid())
                    .setRoot(thread.root()).setParent(thread.parent()).setMessage(message).addAllAtMids(atMids)
                    .setIp(nz(p.ip())).setPlatform(nz(p.platform())).setDevice(nz(p.device()))
                    .setOwnerMid(subject.ownerMid()).setState(state)
                    .build();
            events.publish(key, CommentEvent.newBuilder().setPost(event).setEventTime(now.toEpochMilli()).build());
            ReplyIndex index = new ReplyIndex(rpid, key, p.mid(), thread.root(), thread.parent(), dialog, 0, 0, 0, 0,
                    0, state, 0, now);
            ReplyContent content = new ReplyContent(rpid, message, atMids, nz(p.ip()), nz(p.platform()),
                    nz(p.device()), now);
            return new PostResult(new Reply(index, content), state == ReplyState.PENDING);
        } catch (RuntimeException e) {
            duplicates.release(p.mid(), key, message);
            throw e;
        }
    }

    private Placement thread(SubjectKey key, long root, long parent, long ownerMid) {
        if (root < 0 || parent < 0) {
            throw CommentErrors.badThread("root and parent must not be negative");
        }
        if (root == 0) {
            if (parent != 0) {
                throw CommentErrors.badThread("a reply needs its root");
            }
            return new Placement(0, 0, 0, List.of(ownerMid));
        }
        Reply r = threadMember(key, root);
        if (!r.index().isRoot()) {
            throw CommentErrors.badThread("comment " + root + " is not a root comment");
        }
        List<Long> participants = new ArrayList<>(List.of(r.index().mid(), ownerMid));
        if (parent == 0 || parent == root) {
            return new Placement(root, root, 0, participants);
        }
        Reply pr = threadMember(key, parent);
        if (pr.index().root() != root) {
            throw CommentErrors.badThread("comment " + parent + " is not under root " + root);
        }
        participants.add(0, pr.index().mid());
        long dialog = pr.index().dialog() != 0 ? pr.index().dialog() : pr.rpid();
        return new Placement(root, parent, dialog, participants);
    }

    private Reply threadMember(SubjectKey key, long rpid) {
        // a comment of another subject is "not found here", whether or not it is cached
        Reply r = reads.findReply(key, rpid).orElseThrow(() -> CommentErrors.replyNotFound(rpid));
        if (r.index().state() == ReplyState.DELETED) {
            throw CommentErrors.alreadyDeleted(rpid);
        }
        if (!ReplyState.visible(r.index().state())) {
            throw CommentErrors.replyNotFound(rpid);
        }
        return r;
    }

    /** Likes ({@code kind} 1) or dislikes (2) a visible comment, or takes that back ({@code doIt} false). */
    public void act(SubjectKey key, long rpid, long mid, int kind, boolean doIt) {
        requireMid(mid);
        if (kind != KIND_LIKE && kind != KIND_HATE) {
            throw CommentErrors.badParameter("kind", "must be 1 (like) or 2 (dislike)");
        }
        reads.getReply(key, rpid);
        spendAction(mid);
        events.publish(key, CommentEvent.newBuilder()
                .setAction(ActionEvent.newBuilder().setRpid(rpid).setType(key.type()).setOid(key.oid()).setMid(mid)
                        .setKind(kind).setAction(doIt ? 1 : 0))
                .setEventTime(clock.millis()).build());
    }

    /**
     * Deletes a comment: its author, the subject's owner or an admin may. -404 when there is no such comment here,
     * 12022 when it is already deleted, -403 for anyone else.
     *
     * @return who deleted it ({@link #BY_AUTHOR}, {@link #BY_OWNER} or {@link #BY_ADMIN})
     */
    public int delete(SubjectKey key, long rpid, long mid, boolean admin) {
        requireMid(mid);
        ReplyIndex r = storedIndex(key, rpid);
        if (r.state() == ReplyState.DELETED) {
            throw CommentErrors.alreadyDeleted(rpid);
        }
        int by;
        if (r.mid() == mid) {
            by = BY_AUTHOR;
        } else if (ownerOf(key) == mid) {
            by = BY_OWNER;
        } else if (admin) {
            by = BY_ADMIN;
        } else {
            throw CommentErrors.notAllowed("only the author, the owner of the video or an admin may delete this");
        }
        spendAction(mid);
        events.publish(key, CommentEvent.newBuilder()
                .setDelete(DeleteEvent.newBuilder().setRpid(rpid).setType(key.type()).setOid(key.oid())
                        .setOperatorMid(mid).setBy(by))
                .setEventTime(clock.millis()).build());
        return by;
    }

    /** Pins (or unpins) a visible root; the subject's owner or an admin may. One pinned root per subject. */
    public void pin(SubjectKey key, long rpid, long mid, boolean admin, boolean pinned) {
        requireMid(mid);
        Subject s = reads.subject(key);
        if (s.ownerMid() != mid && !admin) {
            throw CommentErrors.notAllowed("only the owner of the video or an admin may pin comments");
        }
        ReplyIndex r = storedIndex(key, rpid);
        if (pinned) {
            if (r.state() == ReplyState.DELETED) {
                throw CommentErrors.alreadyDeleted(rpid);
            }
            if (!ReplyState.visible(r.state())) {
                throw CommentErrors.replyNotFound(rpid);
            }
            if (!r.isRoot()) {
                throw CommentErrors.badThread("only root comments can be pinned");
            }
        }
        spendAction(mid);
        events.publish(key, CommentEvent.newBuilder()
                .setPin(PinEvent.newBuilder().setRpid(rpid).setType(key.type()).setOid(key.oid()).setPinned(pinned))
                .setEventTime(clock.millis()).build());
    }

    /** Closes (or reopens) the subject to new comments; its owner or an admin may. */
    public void setClosed(SubjectKey key, long mid, boolean admin, boolean closed) {
        requireMid(mid);
        long owner = ownerOf(key);
        if (owner != mid && !admin) {
            throw CommentErrors.notAllowed("only the owner of the video or an admin may close or open comments");
        }
        spendAction(mid);
        events.publish(key, CommentEvent.newBuilder()
                .setClose(CloseEvent.newBuilder().setType(key.type()).setOid(key.oid()).setClosed(closed)
                        .setOwnerMid(owner))
                .setEventTime(clock.millis()).build());
    }

    /** Likes, dislikes, deletes, pins and closes share one per-user budget (-509 when it is spent). */
    private void spendAction(long mid) {
        if (!actionLimiter.tryAcquire(mid)) {
            throw CommentErrors.tooFrequent();
        }
    }

    private long ownerOf(SubjectKey key) {
        return reads.subject(key).ownerMid();
    }

    /** The comment's row as stored (not cached: permission checks need the truth). */
    private ReplyIndex storedIndex(SubjectKey key, long rpid) {
        if (rpid <= 0) {
            throw CommentErrors.replyNotFound(rpid);
        }
        ReplyIndex r = repo.indexes(key, List.of(rpid)).get(rpid);
        if (r == null || !r.key().equals(key)) {
            throw CommentErrors.replyNotFound(rpid);
        }
        return r;
    }

    private static void requireMid(long mid) {
        if (mid <= 0) {
            throw dev.plaza.kit.errors.PlazaError.notLoggedIn("a write needs a logged-in user");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
