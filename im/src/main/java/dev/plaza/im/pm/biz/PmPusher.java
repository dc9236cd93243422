package dev.plaza.im.pm.biz;

import java.util.List;

/** Pushes a message body to every online connection of some users (logic's PushMids). */
public interface PmPusher {
    /** Returns once the push is durable on its way (Kafka); throws when not. */
    void push(List<Long> mids, byte[] body);
}
