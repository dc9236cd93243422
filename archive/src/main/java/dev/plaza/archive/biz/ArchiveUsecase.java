package dev.plaza.archive.biz;

import dev.plaza.kit.errors.PlazaError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** Add videos, show one (counting the view), list the catalog, and answer other systems' look-ups. */
public final class ArchiveUsecase {
    public static final int MAX_BATCH = 100;
    public static final int PAGE_SIZE_MAX = 50;

    private final ArchiveRepo archives;
    private final StatCounters counters;
    private final OwnerDirectory owners;

    public ArchiveUsecase(ArchiveRepo archives, StatCounters counters, OwnerDirectory owners) {
        this.archives = archives;
        this.counters = counters;
        this.owners = owners;
    }

    /** Creates a video owned by {@code ownerMid}; its CREATED event is published to the other systems afterwards. */
    public Archive add(long ownerMid, String title, String desc, long duration, String cover, String mediaUrl) {
        return archives.create(ArchiveRules.draft(ownerMid, title, desc, duration, cover, mediaUrl));
    }

    /** One video as a reader sees it; counts the view. -404 ARCHIVE_NOT_FOUND when unknown. */
    public ArchiveView view(long aid) {
        Archive a = get(aid);
        long viewCount = counters.incrementViews(aid);
        ArchiveStat stat = counters.stats(List.of(aid)).getOrDefault(aid, ArchiveStat.none(aid)).withView(viewCount);
        return new ArchiveView(a, ownerOf(a.ownerMid(), owners.owners(List.of(a.ownerMid()))), stat);
    }

    /** One video without counting a view (for other systems). -404 ARCHIVE_NOT_FOUND when unknown. */
    public Archive get(long aid) {
        if (aid <= 0) {
            throw ArchiveErrors.notFound(aid);
        }
        return archives.find(aid).orElseThrow(() -> ArchiveErrors.notFound(aid));
    }

    /** Up to {@value #MAX_BATCH} videos at once; unknown aids are left out. */
    public Map<Long, Archive> getMany(Collection<Long> aids) {
        if (aids.size() > MAX_BATCH) {
            throw ArchiveErrors.batchTooLarge(MAX_BATCH);
        }
        Set<Long> distinct = new LinkedHashSet<>();
        for (Long aid : aids) {
            if (aid != null && aid > 0) {
                distinct.add(aid);
            }
        }
        return distinct.isEmpty() ? Map.of() : archives.findMany(distinct);
    }

    /** Page {@code pn} (from 1) of {@code ps} videos, newest first, optionally of one uploader. */
    public ArchiveList list(int pn, int ps, OptionalLong ownerMid) {
        if (pn < 1) {
            throw PlazaError.badRequest("BAD_PARAMETER", "pn must be at least 1");
        }
        if (ps < 1 || ps > PAGE_SIZE_MAX) {
            throw PlazaError.badRequest("BAD_PARAMETER", "ps must be 1 to " + PAGE_SIZE_MAX);
        }
        long count = archives.count(ownerMid);
        long offset = (long) (pn - 1) * ps;
        if (offset >= count) {
            return new ArchiveList(pn, ps, count, List.of());
        }
        List<Archive> page = archives.list(ownerMid, offset, ps);
        Set<Long> mids = new LinkedHashSet<>();
        List<Long> aids = new ArrayList<>(page.size());
        for (Archive a : page) {
            mids.add(a.ownerMid());
            aids.add(a.aid());
        }
        Map<Long, Owner> profiles = owners.owners(mids);
        Map<Long, ArchiveStat> stats = counters.stats(aids);
        List<ArchiveView> items = new ArrayList<>(page.size());
        for (Archive a : page) {
            items.add(new ArchiveView(a, ownerOf(a.ownerMid(), profiles),
                    stats.getOrDefault(a.aid(), ArchiveStat.none(a.aid()))));
        }
        return new ArchiveList(pn, ps, count, items);
    }

    /**
     * Takes another system's newest total of a video's counter ({@code archive-stat}); negative totals are taken
     * as 0. Unknown videos are not checked: the counter is simply never shown.
     */
    public void setStat(long aid, StatCounters.Kind kind, long value) {
        if (aid > 0) {
            counters.set(aid, kind, Math.max(0, value));
        }
    }

    public long count() {
        return archives.count(OptionalLong.empty());
    }

    /**
     * Adds the demo videos, owned by {@code ownerMid}, when the catalog is empty (a fresh standalone install); does
     * nothing otherwise. Returns what it added.
     */
    public List<Archive> seedDemo(long ownerMid) {
        if (count() > 0) {
            return List.of();
        }
        List<Archive> added = new ArrayList<>();
        for (DemoCatalog.Video v : DemoCatalog.VIDEOS) {
            added.add(add(ownerMid, v.title(), v.desc(), v.duration(), v.cover(), v.mediaUrl()));
        }
        return added;
    }

    private static Owner ownerOf(long mid, Map<Long, Owner> profiles) {
        Owner o = profiles.get(mid);
        return o == null ? Owner.unknown(mid) : o;
    }
}
