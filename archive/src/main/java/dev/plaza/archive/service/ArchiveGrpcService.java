package dev.plaza.archive.service;

import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.archive.v1.GetArchiveRequest;
import dev.plaza.api.archive.v1.GetArchivesReply;
import dev.plaza.api.archive.v1.GetArchivesRequest;
import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.biz.ArchiveUsecase;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's gRPC face for other systems. Failures leave as Status + ErrorInfo here already, so the service
 * answers correctly even on a server without Plaza's interceptors.
 */
public final class ArchiveGrpcService extends ArchiveGrpc.ArchiveImplBase {
    private static final Logger log = LoggerFactory.getLogger(ArchiveGrpcService.class);

    private final ArchiveUsecase usecase;

    public ArchiveGrpcService(ArchiveUsecase usecase) {
        this.usecase = usecase;
    }

    @Override
    public void getArchive(GetArchiveRequest request, StreamObserver<ArchiveInfo> out) {
        answer(out, () -> toInfo(usecase.get(request.getAid())));
    }

    @Override
    public void getArchives(GetArchivesRequest request, StreamObserver<GetArchivesReply> out) {
        answer(out, () -> {
            Map<Long, Archive> found = usecase.getMany(request.getAidsList());
            GetArchivesReply.Builder reply = GetArchivesReply.newBuilder();
            found.forEach((aid, a) -> reply.putArchives(aid, toInfo(a)));
            return reply.build();
        });
    }

    static ArchiveInfo toInfo(Archive a) {
        return ArchiveInfo.newBuilder()
                .setAid(a.aid())
                .setCid(a.cid())
                .setTitle(a.title())
                .setDesc(a.desc())
                .setDuration(a.duration())
                .setCover(a.cover())
                .setMediaUrl(a.mediaUrl())
                .setOwnerMid(a.ownerMid())
                .setPubdate(a.pubdate().getEpochSecond())
                .build();
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> work) {
        T reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            PlazaError err = PlazaError.from(e);
            if (!err.isClientError()) {
                log.error("archive rpc failed: {}", err.getMessage(), e);
            }
            out.onError(GrpcErrors.toStatus(err));
            return;
        }
        out.onNext(reply);
        out.onCompleted();
    }
}
