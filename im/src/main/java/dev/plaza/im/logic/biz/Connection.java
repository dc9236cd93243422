package dev.plaza.im.logic.biz;

/**
 * An accepted connection: who it is, its key, the room it joined ("" for none), and the seconds between the heartbeats
 * the comet should expect from the client.
 */
public record Connection(long mid, String key, String room, int heartbeatSeconds) {
}
