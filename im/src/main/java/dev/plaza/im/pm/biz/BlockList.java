package dev.plaza.im.pm.biz;

/** Who each user has blocked (MariaDB, sharded by the blocking user). */
public interface BlockList {
    /** @return whether it changed (false: already blocked) */
    boolean block(long owner, long target);

    /** @return whether it changed (false: was not blocked) */
    boolean unblock(long owner, long target);

    boolean isBlocked(long owner, long target);
}
