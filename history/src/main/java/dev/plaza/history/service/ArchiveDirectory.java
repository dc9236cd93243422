package dev.plaza.history.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.archive.v1.GetArchivesReply;
import dev.plaza.api.archive.v1.GetArchivesRequest;
import dev.plaza.kit.rpc.RpcCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Videos from the archive service for the history interface: whether an aid exists (every report checks it) and the
 * title, cover and duration of listed ones. Kept in process for {@code ttl}: a video's facts barely change and
 * players report every 15 s. Every video, not only hot ones (the kit's {@code HotKeyCache} would put a call back on
 * nearly every report), fetched 100 to a call and with "no such video" kept too, which that cache does not do.
 */
final class ArchiveDirectory {
    private static final int CHUNK = 100;
    private static final ArchiveInfo MISSING = ArchiveInfo.getDefaultInstance();

    private final ArchiveGrpc.ArchiveBlockingStub archive;
    private final Duration timeout;
    private final Cache<Long, ArchiveInfo> cache;

    ArchiveDirectory(ArchiveGrpc.ArchiveBlockingStub archive, Duration timeout, Duration ttl) {
        this.archive = archive;
        this.timeout = timeout;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    }

    /** The videos that exist among {@code aids}. Failures of the archive service are the caller's error. */
    Map<Long, ArchiveInfo> get(Collection<Long> aids) {
        Map<Long, ArchiveInfo> out = new HashMap<>();
        List<Long> wanted = new ArrayList<>();
        for (long aid : new LinkedHashSet<>(aids)) {
            ArchiveInfo a = cache.getIfPresent(aid);
            if (a == null) {
                wanted.add(aid);
            } else if (a != MISSING) {
                out.put(aid, a);
            }
        }
        for (int from = 0; from < wanted.size(); from += CHUNK) {
            List<Long> chunk = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
            GetArchivesReply reply = RpcCalls.call(() -> archive.withDeadlineAfter(timeout.toMillis(),
                    TimeUnit.MILLISECONDS).getArchives(GetArchivesRequest.newBuilder().addAllAids(chunk).build()));
            Map<Long, ArchiveInfo> found = reply.getArchivesMap();
            for (long aid : chunk) {
                ArchiveInfo a = found.get(aid);
                cache.put(aid, a == null ? MISSING : a);
                if (a != null) {
                    out.put(aid, a);
                }
            }
        }
        return out;
    }
}
