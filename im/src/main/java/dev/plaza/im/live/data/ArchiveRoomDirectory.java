package dev.plaza.im.live.data;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.GetArchivesReply;
import dev.plaza.api.archive.v1.GetArchivesRequest;
import dev.plaza.im.live.biz.RoomDirectory;
import dev.plaza.kit.rpc.RpcCalls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Rooms are videos: a room exists when the archive service knows its aid. Answers are kept in process (a video
 * stays for {@code ttl}, an unknown aid for at most {@code missingTtl}, so a new upload gets its room soon), since
 * every danmaku checks its room. Archive service failures are the caller's error (a -503, never a -404).
 */
public final class ArchiveRoomDirectory implements RoomDirectory {
    private final ArchiveGrpc.ArchiveBlockingStub archive;
    private final Duration timeout;
    private final Cache<Long, Boolean> known;
    private final Cache<Long, Boolean> missing;

    public ArchiveRoomDirectory(ArchiveGrpc.ArchiveBlockingStub archive, Duration timeout, Duration ttl,
                                Duration missingTtl) {
        this.archive = archive;
        this.timeout = timeout;
        this.known = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
        this.missing = Caffeine.newBuilder().expireAfterWrite(missingTtl).maximumSize(100_000).build();
    }

    /** Videos kept 5 minutes, unknown aids 30 seconds. */
    public ArchiveRoomDirectory(ArchiveGrpc.ArchiveBlockingStub archive, Duration timeout) {
        this(archive, timeout, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    @Override
    public boolean exists(long roomId) {
        if (known.getIfPresent(roomId) != null) {
            return true;
        }
        if (missing.getIfPresent(roomId) != null) {
            return false;
        }
        GetArchivesReply reply = RpcCalls.call(() -> archive.withDeadlineAfter(timeout.toMillis(),
                TimeUnit.MILLISECONDS).getArchives(GetArchivesRequest.newBuilder().addAids(roomId).build()));
        boolean found = reply.containsArchives(roomId);
        (found ? known : missing).put(roomId, Boolean.TRUE);
        return found;
    }
}
