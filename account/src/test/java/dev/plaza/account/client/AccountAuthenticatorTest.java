package dev.plaza.account.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.account.biz.AccountErrors;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.ResolveTokenReply;
import dev.plaza.api.account.v1.ResolveTokenRequest;
import dev.plaza.kit.errors.GrpcErrors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountAuthenticatorTest {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile long expiresAt = Instant.now().plusSeconds(3600).getEpochSecond();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new AccountGrpc.AccountImplBase() {
            @Override
            public void resolveToken(ResolveTokenRequest r, StreamObserver<ResolveTokenReply> out) {
                calls.incrementAndGet();
                if (!r.getToken().equals("good")) {
                    out.onError(GrpcErrors.toStatus(AccountErrors.tokenInvalid()));
                    return;
                }
                out.onNext(ResolveTokenReply.newBuilder().setMid(7).setName("neo").setCsrf("c")
                        .setExpiresAt(expiresAt).build());
                out.onCompleted();
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aResolvedSessionIsKeptUntilForgottenOrExpired() {
        AccountAuthenticator auth = new AccountAuthenticator(AccountGrpc.newBlockingStub(channel),
                Duration.ofMinutes(1), Clock.systemUTC());
        assertThat(auth.authenticate("good").orElseThrow().mid()).isEqualTo(7);
        assertThat(auth.authenticate("good")).isPresent();
        assertThat(calls.get()).isEqualTo(1);
        auth.forget("good");
        assertThat(auth.authenticate("good")).isPresent();
        assertThat(calls.get()).isEqualTo(2);

        assertThat(auth.authenticate("bad")).isEmpty();
        assertThat(auth.authenticate("bad")).as("invalid tokens are asked every time").isEmpty();
        assertThat(calls.get()).isEqualTo(4);

        expiresAt = Instant.now().minusSeconds(1).getEpochSecond(); // a session that ended: not served from cache
        auth.forget("good");
        auth.authenticate("good");
        auth.authenticate("good");
        assertThat(calls.get()).isEqualTo(6);
    }

    @Test
    void withoutATtlEveryRequestAsks() {
        AccountAuthenticator auth = new AccountAuthenticator(AccountGrpc.newBlockingStub(channel));
        auth.authenticate("good");
        auth.authenticate("good");
        assertThat(calls.get()).isEqualTo(2);
    }
}
