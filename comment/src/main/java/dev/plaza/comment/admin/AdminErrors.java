package dev.plaza.comment.admin;

import dev.plaza.comment.biz.CommentErrors;
import dev.plaza.kit.errors.PlazaError;

/** The admin role's errors: the comment system's (see {@link CommentErrors}) plus the search side's own. */
final class AdminErrors {
    private AdminErrors() {
    }

    static PlazaError replyNotFound(long rpid) {
        return CommentErrors.replyNotFound(rpid);
    }

    static PlazaError alreadyDeleted(long rpid) {
        return CommentErrors.alreadyDeleted(rpid);
    }

    static PlazaError notARoot(long rpid) {
        return CommentErrors.badThread("only a root comment can be pinned; " + rpid + " is a reply")
                .withMetadata("rpid", Long.toString(rpid));
    }

    static PlazaError badQuery(String message) {
        return PlazaError.badRequest("BAD_PARAMETER", message).withDomain(CommentErrors.DOMAIN);
    }

    /** -503: only one reindex runs at a time. */
    static PlazaError reindexRunning() {
        return PlazaError.overloaded("REINDEX_RUNNING", "a reindex is already running").withDomain(CommentErrors.DOMAIN);
    }
}
