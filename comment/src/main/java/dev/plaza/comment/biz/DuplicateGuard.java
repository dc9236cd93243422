package dev.plaza.comment.biz;

/** Refuses the same text from the same user on the same subject again within a window ("请勿刷屏"). */
public interface DuplicateGuard {
    /** Records this message; false when the same one was recorded within the window (a duplicate). */
    boolean claim(long mid, SubjectKey key, String message);

    /** Forgets a claim whose post did not go through, so that the user can retry at once. */
    void release(long mid, SubjectKey key, String message);
}
