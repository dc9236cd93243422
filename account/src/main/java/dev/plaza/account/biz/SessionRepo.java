package dev.plaza.account.biz;

import java.util.Optional;

public interface SessionRepo {
    void save(Session session);

    Optional<Session> find(String tokenHash);

    void delete(String tokenHash);
}
