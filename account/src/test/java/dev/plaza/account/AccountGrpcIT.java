package dev.plaza.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.plaza.account.biz.LoginResult;
import dev.plaza.account.biz.User;
import dev.plaza.api.account.v1.GetProfileRequest;
import dev.plaza.api.account.v1.GetProfilesByNamesRequest;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Other systems' view of the passport: token resolution and profiles over gRPC, errors as ErrorInfo. */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountGrpcIT {
    private AccountTestStack stack;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        stack = AccountTestStack.start(endpoints, "acct_grpc_it");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void resolvesTokensAndRejectsBadOnes() {
        User u = stack.server().usecase().register("grpc_user", "grpcpass1");
        LoginResult login = stack.server().usecase().login("grpc_user", "grpcpass1", "127.0.0.1");
        ResolveTokenReply r = stack.stub().resolveToken(ResolveTokenRequest.newBuilder().setToken(login.token()).build());
        assertThat(r.getMid()).isEqualTo(u.mid());
        assertThat(r.getName()).isEqualTo("grpc_user");
        assertThat(r.getCsrf()).isEqualTo(login.csrf());

        PlazaError err = GrpcErrors.fromThrowable(catchThrowable(() ->
                stack.stub().resolveToken(ResolveTokenRequest.newBuilder().setToken("bogus").build())));
        assertThat(err.code()).isEqualTo(-101);
        assertThat(err.reason()).isEqualTo("TOKEN_INVALID");
        assertThat(err.domain()).isEqualTo("account.plaza");
    }

    @Test
    void sessionSurvivesACacheFlush() {
        stack.server().usecase().register("cache_user", "cachepass1");
        LoginResult login = stack.server().usecase().login("cache_user", "cachepass1", "127.0.0.1");
        stack.redis().sync().flushdb();
        ResolveTokenReply r = stack.stub().resolveToken(ResolveTokenRequest.newBuilder().setToken(login.token()).build());
        assertThat(r.getName()).isEqualTo("cache_user");
    }

    @Test
    void profiles() {
        User a = stack.server().usecase().register("prof_a", "profpass1");
        User b = stack.server().usecase().register("prof_b", "profpass1");
        assertThat(stack.stub().getProfile(GetProfileRequest.newBuilder().setMid(a.mid()).build()).getName())
                .isEqualTo("prof_a");
        var many = stack.stub().getProfiles(GetProfilesRequest.newBuilder()
                .addAllMids(List.of(a.mid(), b.mid(), 987_654_321L)).build());
        assertThat(many.getProfilesMap()).containsOnlyKeys(a.mid(), b.mid());

        // by name, case-insensitive, keyed as asked; unknown names left out (how comment mentions resolve)
        var named = stack.stub().getProfilesByNames(GetProfilesByNamesRequest.newBuilder()
                .addAllNames(List.of("PROF_A", "prof_b", "nobody_here")).build());
        assertThat(named.getProfilesMap()).containsOnlyKeys("PROF_A", "prof_b");
        assertThat(named.getProfilesMap().get("PROF_A").getMid()).isEqualTo(a.mid());
        assertThat(named.getProfilesMap().get("prof_b").getName()).isEqualTo("prof_b");

        PlazaError nf = GrpcErrors.fromThrowable(catchThrowable(() ->
                stack.stub().getProfile(GetProfileRequest.newBuilder().setMid(987_654_321L).build())));
        assertThat(nf.code()).isEqualTo(-404);
        assertThat(nf.reason()).isEqualTo("USER_NOT_FOUND");
    }
}
