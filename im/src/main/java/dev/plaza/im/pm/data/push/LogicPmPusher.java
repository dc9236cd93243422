package dev.plaza.im.pm.data.push;

import dev.plaza.im.logic.biz.PushUsecase;
import dev.plaza.im.pm.biz.PmPushBody;
import dev.plaza.im.pm.biz.PmPusher;
import java.util.List;
import java.util.Objects;

/**
 * Pushes through logic's mid routing (goim's PushMids): one message per comet holding a connection of the users, on
 * the push topic, keyed by comet, so one connection's pushes keep their order.
 */
public final class LogicPmPusher implements PmPusher {
    private final PushUsecase pushes;

    public LogicPmPusher(PushUsecase pushes) {
        this.pushes = Objects.requireNonNull(pushes, "pushes");
    }

    @Override
    public void push(List<Long> mids, byte[] body) {
        pushes.pushMids(mids, PmPushBody.OP, body);
    }
}
