package dev.plaza.im.live.biz;

/** A user's display name, for senders whose edge principal carries none. */
@FunctionalInterface
public interface UserNames {
    /** The name, or "" when unknown (a name is decoration: never fails the send). */
    String nameOf(long mid);

    static UserNames none() {
        return mid -> "";
    }
}
