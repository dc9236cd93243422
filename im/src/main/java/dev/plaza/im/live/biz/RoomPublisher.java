package dev.plaza.im.live.biz;

/** Broadcasts a message to everyone in a room ({@code type://id}); returns once it is durable. */
@FunctionalInterface
public interface RoomPublisher {
    void publish(String room, int op, byte[] body);
}
