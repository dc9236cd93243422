package dev.plaza.account.biz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public interface UserRepo {
    /** Inserts the user and returns it with its new mid; empty when the username is taken. */
    Optional<User> create(String username, String passwordHash, String face, boolean admin);

    Optional<User> findByUsername(String username);

    Optional<User> findByMid(long mid);

    Map<Long, User> findByMids(Collection<Long> mids);

    /** The users with these names (compared case-insensitively), as stored; unknown names are left out. */
    List<User> findByUsernames(Collection<String> usernames);

    /** Returns false when there is no such user. */
    boolean setAdmin(long mid, boolean admin);

    long count();
}
