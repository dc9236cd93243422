package dev.plaza.account.biz;

import java.util.regex.Pattern;

/** The username and password rules, checked before anything is stored or compared. */
public final class Credentials {
    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_-]+");

    private Credentials() {
    }

    public static void checkUsername(String username) {
        int len = username == null ? 0 : username.codePointCount(0, username.length());
        if (len < AccountPolicy.USERNAME_MIN || len > AccountPolicy.USERNAME_MAX) {
            throw AccountErrors.usernameInvalid("username must be " + AccountPolicy.USERNAME_MIN + " to "
                    + AccountPolicy.USERNAME_MAX + " characters");
        }
        if (!USERNAME.matcher(username).matches()) {
            throw AccountErrors.usernameInvalid("username may contain only letters, digits, '_' and '-'");
        }
    }

    public static void checkPassword(String username, String password) {
        int len = password == null ? 0 : password.length();
        if (len < AccountPolicy.PASSWORD_MIN || len > AccountPolicy.PASSWORD_MAX) {
            throw AccountErrors.passwordTooWeak("password must be " + AccountPolicy.PASSWORD_MIN + " to "
                    + AccountPolicy.PASSWORD_MAX + " characters");
        }
        boolean letter = password.chars().anyMatch(Character::isLetter);
        boolean digit = password.chars().anyMatch(Character::isDigit);
        if (!letter || !digit) {
            throw AccountErrors.passwordTooWeak("password must contain at least one letter and one digit");
        }
        if (password.toLowerCase().contains(username.toLowerCase())) {
            throw AccountErrors.passwordTooWeak("password must not contain the username");
        }
    }
}
