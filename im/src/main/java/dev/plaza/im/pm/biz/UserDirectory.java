package dev.plaza.im.pm.biz;

/** Whether a user exists (the account service). */
public interface UserDirectory {
    /** @throws dev.plaza.kit.errors.PlazaError when the directory cannot say (the send is refused, not guessed) */
    boolean exists(long mid);
}
