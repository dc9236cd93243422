package dev.plaza.account.biz;

public interface PasswordHasher {
    String hash(String password);

    boolean verify(String password, String hash);
}
