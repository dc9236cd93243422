package dev.plaza.im.logic.biz;

import java.util.List;

/**
 * One message for the job to deliver. The bodies are the caller's bytes, handed on untouched (records compare arrays
 * by identity; tests compare them with {@link java.util.Arrays#equals}).
 */
public sealed interface Push {
    int op();

    byte[] body();

    /** To the given connections of one comet. */
    record Keys(String server, List<String> keys, int op, byte[] body) implements Push {
        public Keys {
            keys = List.copyOf(keys);
        }
    }

    /** To every connection in a room, on every comet. */
    record Room(String room, int op, byte[] body) implements Push {
    }

    /** To every connection of every comet, at most {@code speed} connections a second in all (0: no limit). */
    record Broadcast(int op, byte[] body, int speed) implements Push {
    }
}
