package dev.plaza.im.live.biz;

/** Which live rooms exist: a room is a video's aid. */
@FunctionalInterface
public interface RoomDirectory {
    boolean exists(long roomId);
}
