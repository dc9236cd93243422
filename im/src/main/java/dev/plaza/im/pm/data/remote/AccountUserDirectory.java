package dev.plaza.im.pm.data.remote;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.im.pm.biz.UserDirectory;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Whether a user exists, from the account service's profiles. A failing account service refuses the send. */
public final class AccountUserDirectory implements UserDirectory {
    private final AccountGrpc.AccountBlockingStub account;
    private final Duration timeout;

    public AccountUserDirectory(AccountGrpc.AccountBlockingStub account, Duration timeout) {
        this.account = account;
        this.timeout = timeout;
    }

    @Override
    public boolean exists(long mid) {
        try {
            return account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getProfiles(GetProfilesRequest.newBuilder().addMids(mid).build()).containsProfiles(mid);
        } catch (StatusRuntimeException e) {
            throw PlazaError.from(e);
        }
    }
}
