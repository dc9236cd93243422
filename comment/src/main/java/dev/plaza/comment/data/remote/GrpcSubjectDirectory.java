package dev.plaza.comment.data.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.archive.v1.GetArchiveRequest;
import dev.plaza.comment.biz.SubjectDirectory;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Owners of comment areas. Type 1 (video): the video catalog's {@code GetArchive} -> {@code owner_mid}; a video
 * that does not exist has no comment area. Other types are not hosted. Owners never change, so answers are kept in
 * process: found owners for {@code ttl}, "no such video" for a few seconds (it may be created any moment).
 */
public final class GrpcSubjectDirectory implements SubjectDirectory {
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);

    private final ArchiveGrpc.ArchiveBlockingStub archive;
    private final Duration timeout;
    private final Cache<SubjectKey, Long> owners;
    private final Cache<SubjectKey, Boolean> missing;

    public GrpcSubjectDirectory(ArchiveGrpc.ArchiveBlockingStub archive, Duration timeout, Duration ttl) {
        this.archive = archive;
        this.timeout = timeout;
        this.owners = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
        this.missing = Caffeine.newBuilder().expireAfterWrite(NEGATIVE_TTL).maximumSize(100_000).build();
    }

    @Override
    public OptionalLong ownerOf(SubjectKey key) {
        if (key.type() != SubjectKey.TYPE_VIDEO) {
            return OptionalLong.empty();
        }
        Long known = owners.getIfPresent(key);
        if (known != null) {
            return OptionalLong.of(known);
        }
        if (missing.getIfPresent(key) != null) {
            return OptionalLong.empty();
        }
        try {
            ArchiveInfo info = archive.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getArchive(GetArchiveRequest.newBuilder().setAid(key.oid()).build());
            owners.put(key, info.getOwnerMid());
            return OptionalLong.of(info.getOwnerMid());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                missing.put(key, Boolean.TRUE);
                return OptionalLong.empty();
            }
            PlazaError err = GrpcErrors.fromThrowable(e);
            throw err.isClientError() ? PlazaError.overloaded("ARCHIVE_UNAVAILABLE",
                    "the video catalog could not be asked: " + err.getMessage()) : err;
        }
    }
}
