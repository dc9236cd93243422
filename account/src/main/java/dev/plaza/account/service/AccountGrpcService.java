package dev.plaza.account.service;

import dev.plaza.account.biz.AccountUsecase;
import dev.plaza.account.biz.User;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfileRequest;
import dev.plaza.api.account.v1.GetProfilesByNamesReply;
import dev.plaza.api.account.v1.GetProfilesByNamesRequest;
import dev.plaza.api.account.v1.GetProfilesReply;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import io.grpc.stub.StreamObserver;
import java.util.Map;

/** The passport's gRPC face: errors thrown here are turned into Status + ErrorInfo by the server's interceptors. */
public final class AccountGrpcService extends AccountGrpc.AccountImplBase {
    private final AccountUsecase usecase;

    public AccountGrpcService(AccountUsecase usecase) {
        this.usecase = usecase;
    }

    @Override
    public void resolveToken(ResolveTokenRequest request, StreamObserver<ResolveTokenReply> out) {
        AccountUsecase.ResolvedSession rs = usecase.resolve(request.getToken());
        out.onNext(ResolveTokenReply.newBuilder()
                .setMid(rs.user().mid())
                .setName(rs.user().username())
                .setAdmin(rs.user().admin())
                .setCsrf(rs.session().csrf())
                .setExpiresAt(rs.session().expiresAt().getEpochSecond())
                .build());
        out.onCompleted();
    }

    @Override
    public void getProfile(GetProfileRequest request, StreamObserver<Profile> out) {
        out.onNext(toProfile(usecase.profile(request.getMid())));
        out.onCompleted();
    }

    @Override
    public void getProfiles(GetProfilesRequest request, StreamObserver<GetProfilesReply> out) {
        Map<Long, User> users = usecase.profiles(request.getMidsList());
        GetProfilesReply.Builder reply = GetProfilesReply.newBuilder();
        users.forEach((mid, u) -> reply.putProfiles(mid, toProfile(u)));
        out.onNext(reply.build());
        out.onCompleted();
    }

    @Override
    public void getProfilesByNames(GetProfilesByNamesRequest request, StreamObserver<GetProfilesByNamesReply> out) {
        Map<String, User> users = usecase.profilesByNames(request.getNamesList());
        GetProfilesByNamesReply.Builder reply = GetProfilesByNamesReply.newBuilder();
        users.forEach((name, u) -> reply.putProfiles(name, toProfile(u)));
        out.onNext(reply.build());
        out.onCompleted();
    }

    static Profile toProfile(User u) {
        return Profile.newBuilder()
                .setMid(u.mid())
                .setName(u.username())
                .setFace(u.face())
                .setSign(u.sign())
                .setAdmin(u.admin())
                .setCtime(u.ctime().getEpochSecond())
                .build();
    }
}
