package dev.plaza.comment.biz;

/**
 * A cap on posts to one subject by all users together, shared by every service instance. The per-user budget
 * ({@link WriteLimiter}) stops one user; this stops a crowd (a raid, a bot farm of many accounts) from flooding one
 * video, whose events all land on one Kafka partition and are applied in order by one job thread.
 */
@FunctionalInterface
public interface SubjectPostQuota {
    /** Takes one post from {@code subject}'s quota; false when it is spent for now. */
    boolean tryAcquire(SubjectKey subject);

    /** No cap (the quota is off). */
    static SubjectPostQuota unlimited() {
        return subject -> true;
    }
}
