package dev.plaza.archive.biz;

import java.util.Collection;
import java.util.Map;

/**
 * A video's counters, Bilibili's {@code stat}: plays are counted here; comments and danmaku are totals the systems
 * that count them report ({@link #set}). A store that cannot be reached must not fail the view: it answers 0 then.
 */
public interface StatCounters {
    /** The counters other systems keep. */
    enum Kind { REPLY, DANMAKU }

    /** Counts one view and returns the new total. */
    long incrementViews(long aid);

    /** Sets a counter another system keeps to its newest total (the same value again changes nothing). */
    void set(long aid, Kind kind, long value);

    /** The counters of these videos; videos with nothing counted are left out (or all 0). */
    Map<Long, ArchiveStat> stats(Collection<Long> aids);
}
