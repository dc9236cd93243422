package dev.plaza.kit.hotkey;

/** A key of the top K with its estimated count (decayed by fading, so relative to the recent past, not a total). */
public record HotKey(String key, long count) {
}
