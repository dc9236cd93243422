package dev.plaza.archive.biz;

import java.util.Collection;
import java.util.Map;

/** Play counts. A counter that cannot be reached must not fail the view: it answers 0 then. */
public interface ViewCounter {
    /** Counts one view and returns the new total. */
    long increment(long aid);

    /** Current totals; aids never viewed are 0 (or left out). */
    Map<Long, Long> views(Collection<Long> aids);
}
