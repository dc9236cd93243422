/**
 * Hot keys: {@link dev.plaza.kit.hotkey.HeavyKeeper} finds the top K keys by recent access count in fixed memory,
 * {@link dev.plaza.kit.hotkey.HotKeyDetector} turns that into "hot now" (top K, a minimum count, counts halved
 * every window) with metrics, and {@link dev.plaza.kit.hotkey.HotKeyCache} serves hot keys from a short-TTL Caffeine
 * tier in front of a loader. See docs/availability-hotkey.md.
 */
package dev.plaza.kit.hotkey;
