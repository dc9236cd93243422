package dev.plaza.account.data;

import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.types.Bcrypt;
import dev.plaza.account.biz.PasswordHasher;

/** bcrypt through password4j; the cost is configurable so tests can run fast and production slow. */
public final class BcryptPasswordHasher implements PasswordHasher {
    private final BcryptFunction function;

    public BcryptPasswordHasher(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4..31, was " + cost);
        }
        this.function = BcryptFunction.getInstance(Bcrypt.B, cost);
    }

    @Override
    public String hash(String password) {
        return Password.hash(password).with(function).getResult();
    }

    @Override
    public boolean verify(String password, String hash) {
        if (hash == null || !hash.startsWith("$2")) {
            return false;
        }
        return Password.check(password, hash).with(BcryptFunction.getInstanceFromHash(hash));
    }
}
