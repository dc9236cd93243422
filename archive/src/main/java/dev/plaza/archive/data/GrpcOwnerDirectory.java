package dev.plaza.archive.data;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesReply;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.archive.biz.Owner;
import dev.plaza.archive.biz.OwnerDirectory;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploaders' profiles from the account service's {@code GetProfiles}, at most 100 mids per call (the service's limit),
 * each call with its own deadline. When the account service fails, the owners are left out (shown without a name)
 * rather than failing the page that needs them.
 */
public final class GrpcOwnerDirectory implements OwnerDirectory {
    private static final Logger log = LoggerFactory.getLogger(GrpcOwnerDirectory.class);
    static final int CHUNK = 100;

    private final AccountGrpc.AccountBlockingStub account;
    private final Duration timeout;

    public GrpcOwnerDirectory(AccountGrpc.AccountBlockingStub account, Duration timeout) {
        this.account = account;
        this.timeout = timeout;
    }

    @Override
    public Map<Long, Owner> owners(Collection<Long> mids) {
        List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(mids));
        Map<Long, Owner> out = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += CHUNK) {
            List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + CHUNK));
            try {
                GetProfilesReply reply = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .getProfiles(GetProfilesRequest.newBuilder().addAllMids(chunk).build());
                for (Profile p : reply.getProfilesMap().values()) {
                    out.put(p.getMid(), new Owner(p.getMid(), p.getName(), p.getFace()));
                }
            } catch (StatusRuntimeException e) {
                log.warn("account GetProfiles failed for {} mids, showing owners without names: {}", chunk.size(),
                        e.getStatus());
            }
        }
        return out;
    }
}
