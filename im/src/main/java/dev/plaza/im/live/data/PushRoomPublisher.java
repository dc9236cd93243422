package dev.plaza.im.live.data;

import dev.plaza.im.live.biz.RoomPublisher;
import dev.plaza.im.logic.biz.PushUsecase;
import java.util.Objects;

/** Room broadcasts through logic's pushes (Kafka {@code im-push}, keyed by room so a room stays in order). */
public final class PushRoomPublisher implements RoomPublisher {
    private final PushUsecase pushes;

    public PushRoomPublisher(PushUsecase pushes) {
        this.pushes = Objects.requireNonNull(pushes, "pushes");
    }

    @Override
    public void publish(String room, int op, byte[] body) {
        pushes.pushRoom(room, op, body);
    }
}
