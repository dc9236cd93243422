package dev.plaza.archive.service;

import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.archive.v1.GetArchiveRequest;
import dev.plaza.api.archive.v1.GetArchivesReply;
import dev.plaza.api.archive.v1.GetArchivesRequest;
import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.biz.ArchiveInfos;
import dev.plaza.archive.biz.ArchiveUsecase;
import io.grpc.stub.StreamObserver;
import java.util.Map;

/**
 * The catalog's gRPC face for other systems: errors thrown here are turned into Status + ErrorInfo by the server's
 * interceptors (kit {@code RpcServer}).
 */
public final class ArchiveGrpcService extends ArchiveGrpc.ArchiveImplBase {
    private final ArchiveUsecase usecase;

    public ArchiveGrpcService(ArchiveUsecase usecase) {
        this.usecase = usecase;
    }

    @Override
    public void getArchive(GetArchiveRequest request, StreamObserver<ArchiveInfo> out) {
        out.onNext(ArchiveInfos.of(usecase.get(request.getAid())));
        out.onCompleted();
    }

    @Override
    public void getArchives(GetArchivesRequest request, StreamObserver<GetArchivesReply> out) {
        Map<Long, Archive> found = usecase.getMany(request.getAidsList());
        GetArchivesReply.Builder reply = GetArchivesReply.newBuilder();
        found.forEach((aid, a) -> reply.putArchives(aid, ArchiveInfos.of(a)));
        out.onNext(reply.build());
        out.onCompleted();
    }

}
