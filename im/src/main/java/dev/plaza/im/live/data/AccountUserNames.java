package dev.plaza.im.live.data;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.im.live.biz.UserNames;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Names from the account service, for senders whose principal has none; "" when the service cannot say. */
public final class AccountUserNames implements UserNames {
    private final AccountGrpc.AccountBlockingStub account;
    private final Duration timeout;

    public AccountUserNames(AccountGrpc.AccountBlockingStub account, Duration timeout) {
        this.account = account;
        this.timeout = timeout;
    }

    @Override
    public String nameOf(long mid) {
        try {
            Profile p = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getProfiles(GetProfilesRequest.newBuilder().addMids(mid).build()).getProfilesMap().get(mid);
            return p == null ? "" : p.getName();
        } catch (StatusRuntimeException e) {
            return ""; // a name is decoration: the danmaku still goes out
        }
    }
}
