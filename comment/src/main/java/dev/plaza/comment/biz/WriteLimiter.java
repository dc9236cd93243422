package dev.plaza.comment.biz;

/** A per-user budget of writes in a time window, shared by every service instance. */
public interface WriteLimiter {
    /** Takes one write from {@code mid}'s budget; false when it is used up for the current window. */
    boolean tryAcquire(long mid);
}
