package dev.plaza.im.pm.biz;

/** How many private messages a user may send in a window (over all conversations). */
public interface SendLimiter {
    boolean tryAcquire(long mid);
}
