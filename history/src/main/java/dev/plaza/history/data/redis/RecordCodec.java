package dev.plaza.history.data.redis;

import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;

/**
 * One record as a hash value: {@code 1|cid|progress|viewAt|platform}, about 30 bytes, readable with redis-cli. The
 * leading {@code 1} is the format version; the platform is last, so whatever characters it holds (even {@code |})
 * cannot shift the numbers. The key (mid, kid) is not repeated: it is the hash key and field.
 */
final class RecordCodec {
    static final String VERSION = "1";

    private RecordCodec() {
    }

    static String encode(HistoryRecord r) {
        return VERSION + '|' + r.cid() + '|' + r.progress() + '|' + r.viewAt() + '|' + r.platform();
    }

    /**
     * @throws IllegalStateException when the value is not this version's format: a value this code cannot read
     *                               fails the call instead of being dropped (the job must not skip a record), so a
     *                               new format is rolled out readers first
     */
    static HistoryRecord decode(HistoryKey key, String value) {
        String[] p = value.split("\\|", 5);
        if (p.length != 5 || !VERSION.equals(p[0])) {
            throw new IllegalStateException("unreadable history entry for " + key + ": '" + value + "'");
        }
        try {
            return new HistoryRecord(key, Long.parseLong(p[1]), Long.parseLong(p[2]), p[4], Long.parseLong(p[3]));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unreadable history entry for " + key + ": '" + value + "'", e);
        }
    }
}
