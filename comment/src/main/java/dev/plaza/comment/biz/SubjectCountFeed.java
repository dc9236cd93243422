package dev.plaza.comment.biz;

/**
 * Tells the systems that show a subject's comment count (the archive's {@code stat.reply}) the newest count after
 * the job changed it. Best effort: a count that does not get through is corrected by the subject's next change.
 */
@FunctionalInterface
public interface SubjectCountFeed {
    /** Nobody to tell. */
    SubjectCountFeed NONE = subject -> { };

    /** {@code subject} as the job just stored it; must not block long or throw. */
    void counted(Subject subject);
}
