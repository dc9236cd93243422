package dev.plaza.archive.biz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

public interface ArchiveRepo {
    /**
     * Stores the video, its first page and its CREATED event in one transaction, and returns it with its new aid and
     * cid. Either all three are stored or none is.
     */
    Archive create(ArchiveDraft draft);

    Optional<Archive> find(long aid);

    /** The known ones among {@code aids}; unknown aids are left out. */
    Map<Long, Archive> findMany(Collection<Long> aids);

    /** Newest first; {@code ownerMid} empty lists every uploader. */
    List<Archive> list(OptionalLong ownerMid, long offset, int limit);

    long count(OptionalLong ownerMid);
}
