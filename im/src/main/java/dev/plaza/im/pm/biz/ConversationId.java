package dev.plaza.im.pm.biz;

/**
 * A one-to-one conversation, named by its two users in ascending order, so both sides name it alike. Its messages,
 * sequence counter and delivery cursor live together in one shard, chosen by {@link #shardKey()}.
 *
 * @param lo the smaller mid
 * @param hi the larger mid
 */
public record ConversationId(long lo, long hi) {
    public ConversationId {
        if (lo <= 0 || hi <= 0 || lo >= hi) {
            throw new IllegalArgumentException("a conversation needs two different positive mids in order, got "
                    + lo + " and " + hi);
        }
    }

    /** The conversation between users {@code a} and {@code b} (in either order). */
    public static ConversationId of(long a, long b) {
        return a < b ? new ConversationId(a, b) : new ConversationId(b, a);
    }

    /** The other user, seen from {@code me}. */
    public long talkerOf(long me) {
        if (me == lo) {
            return hi;
        }
        if (me == hi) {
            return lo;
        }
        throw new IllegalArgumentException(me + " is not in conversation " + this);
    }

    /**
     * A well-mixed non-negative number for shard routing: adjacent pairs land on different tables, and the value is
     * the same on every node and version (a shard key must never change).
     */
    public long shardKey() {
        long h = lo * 0x9E3779B97F4A7C15L + hi;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h & Long.MAX_VALUE;
    }

    /** {@code 12_34}: the Kafka key of the conversation's notices, so they stay in one partition, in order. */
    public String key() {
        return lo + "_" + hi;
    }
}
