package dev.plaza.account.biz;

import java.time.Instant;

/** A registered user. {@code passwordHash} never leaves the account system. */
public record User(long mid, String username, String passwordHash, String face, String sign, boolean admin,
                   Instant ctime) {
}
