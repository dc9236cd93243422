package dev.plaza.comment.biz;

/** A user as comment readers see them (owned by the account system). */
public record Member(long mid, String name, String face) {
    /** How a user the account system does not know (or could not be asked about) is shown. */
    public static Member unknown(long mid) {
        return new Member(mid, "", "");
    }
}
