package dev.plaza.kit.hotkey;

/**
 * A seeded 64-bit hash of a string: MurmurHash3's x64 block mix and finalizer run over the UTF-16 code units, four per
 * block. Not {@link String#hashCode()}: its 32 bits collide often enough at 10^4..10^5 keys to merge the counts of
 * two keys, and anyone can craft colliding keys for it. The seed differs per instance by default (see
 * {@link HeavyKeeper.Settings#forTopK}), so crafted collisions do not carry over between processes.
 */
final class KeyHash {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private final long seed;

    KeyHash(long seed) {
        this.seed = seed;
    }

    long hash(String s) {
        int n = s.length();
        long h = seed;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long k = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            h ^= mixBlock(k);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        long tail = 0;
        for (int shift = 0; i < n; i++, shift += 16) {
            tail |= (long) s.charAt(i) << shift;
        }
        h ^= mixBlock(tail);
        h ^= n;
        return fmix64(h);
    }

    private static long mixBlock(long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        return k * C2;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit flips each output bit with probability close to 1/2. */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
