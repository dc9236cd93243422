package dev.plaza.comment.data.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesByNamesReply;
import dev.plaza.api.account.v1.GetProfilesByNamesRequest;
import dev.plaza.api.account.v1.GetProfilesReply;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.comment.biz.Member;
import dev.plaza.comment.biz.MemberDirectory;
import dev.plaza.kit.redis.Redis;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles from the account service's {@code GetProfiles} (100 mids a call, each with its own deadline), kept in
 * process for {@code ttl}. When the account service fails, the members are left out (shown unnamed) rather than
 * failing the page.
 *
 * <p>Names to mids: first the shared name index in Redis ({@code c:u:n:{lower-cased name}} -> mid, 30 days), which
 * every profile this directory fetches is written to; names not there are asked from the account service
 * ({@code GetProfilesByNames}) and indexed in turn. Unknown names stay plain text; when the account service fails,
 * the names found so far are used (a mention is never worth failing a post).
 */
public final class GrpcMemberDirectory implements MemberDirectory {
    private static final Logger log = LoggerFactory.getLogger(GrpcMemberDirectory.class);
    static final int CHUNK = 100;
    static final Duration NAME_TTL = Duration.ofDays(30);

    private static final String PUT_ALL = """
            for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[i + 1], 'PX', ARGV[1]) end
            return #KEYS
            """;

    private final AccountGrpc.AccountBlockingStub account;
    private final Redis redis;
    private final Duration timeout;
    private final Cache<Long, Member> cache;

    public GrpcMemberDirectory(AccountGrpc.AccountBlockingStub account, Redis redis, Duration timeout,
                               Duration ttl) {
        this.account = account;
        this.redis = redis;
        this.timeout = timeout;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(200_000).build();
    }

    public static String nameKey(String name) {
        return "c:u:n:" + name.toLowerCase(Locale.ROOT);
    }

    @Override
    public Map<Long, Member> members(Collection<Long> mids) {
        Map<Long, Member> out = new HashMap<>();
        List<Long> wanted = new ArrayList<>();
        for (Long mid : new LinkedHashSet<>(mids)) {
            if (mid == null || mid <= 0) {
                continue;
            }
            Member m = cache.getIfPresent(mid);
            if (m != null) {
                out.put(mid, m);
            } else {
                wanted.add(mid);
            }
        }
        for (int from = 0; from < wanted.size(); from += CHUNK) {
            List<Long> chunk = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
            try {
                GetProfilesReply reply = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .getProfiles(GetProfilesRequest.newBuilder().addAllMids(chunk).build());
                List<Member> fetched = new ArrayList<>();
                for (Profile p : reply.getProfilesMap().values()) {
                    Member m = new Member(p.getMid(), p.getName(), p.getFace());
                    cache.put(m.mid(), m);
                    out.put(m.mid(), m);
                    fetched.add(m);
                }
                index(fetched);
            } catch (StatusRuntimeException e) {
                log.warn("account GetProfiles failed for {} mids, showing them unnamed: {}", chunk.size(),
                        e.getStatus());
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> midsByNames(Collection<String> names) {
        List<String> asked = new ArrayList<>(new LinkedHashSet<>(names));
        if (asked.isEmpty()) {
            return Map.of();
        }
        String[] keys = asked.stream().map(GrpcMemberDirectory::nameKey).toArray(String[]::new);
        Map<String, String> byKey = new HashMap<>();
        try {
            for (KeyValue<String, String> kv : redis.sync().mget(keys)) {
                if (kv.hasValue()) {
                    byKey.put(kv.getKey(), kv.getValue());
                }
            }
        } catch (RuntimeException e) {
            log.warn("name index unreadable, asking the account service: {}", e.toString());
            byKey.clear();
        }
        Map<String, Long> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : asked) {
            String v = byKey.get(nameKey(name));
            if (v != null) {
                out.put(name, Long.parseLong(v));
            } else {
                missing.add(name);
            }
        }
        for (int from = 0; from < missing.size(); from += CHUNK) {
            List<String> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
            try {
                GetProfilesByNamesReply reply = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .getProfilesByNames(GetProfilesByNamesRequest.newBuilder().addAllNames(chunk).build());
                List<Member> fetched = new ArrayList<>();
                reply.getProfilesMap().forEach((name, p) -> {
                    Member m = new Member(p.getMid(), p.getName(), p.getFace());
                    cache.put(m.mid(), m);
                    out.put(name, m.mid());
                    fetched.add(m);
                });
                index(fetched);
            } catch (StatusRuntimeException e) {
                log.warn("account GetProfilesByNames failed for {} names, mentions stay plain text: {}",
                        chunk.size(), e.getStatus());
            }
        }
        return out;
    }

    private void index(List<Member> fetched) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(NAME_TTL.toMillis()));
        for (Member m : fetched) {
            if (!m.name().isEmpty()) {
                keys.add(nameKey(m.name()));
                args.add(Long.toString(m.mid()));
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        try {
            redis.sync().eval(PUT_ALL, ScriptOutputType.INTEGER, keys.toArray(String[]::new),
                    args.toArray(String[]::new));
        } catch (RuntimeException e) {
            log.warn("could not index member names: {}", e.toString());
        }
    }
}
