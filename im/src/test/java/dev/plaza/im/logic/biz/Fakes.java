package dev.plaza.im.logic.biz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/** Plain in-memory fakes of the logic's own interfaces, for use-case tests (the engines are tested in the ITs). */
final class Fakes {
    private Fakes() {
    }

    /** Tokens "t<mid>" resolve to mid; anything else is invalid; a set failure is thrown instead. */
    static final class Tokens implements TokenResolver {
        final AtomicInteger calls = new AtomicInteger();
        RuntimeException failure;

        @Override
        public OptionalLong resolve(String token) {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            if (token.matches("t[0-9]+")) {
                return OptionalLong.of(Long.parseLong(token.substring(1)));
            }
            return OptionalLong.empty();
        }
    }

    /** Routes in maps; records the ttl of the last write and counts lookups. */
    static final class Routes implements RouteRepo {
        final Map<String, String> keyToServer = new LinkedHashMap<>();
        final Map<Long, Map<String, String>> midToKeys = new HashMap<>();
        final AtomicInteger lookups = new AtomicInteger();
        Duration lastTtl;

        @Override
        public void add(Route route, Duration ttl) {
            lastTtl = ttl;
            keyToServer.put(route.key(), route.server());
            if (route.mid() > 0) {
                midToKeys.computeIfAbsent(route.mid(), m -> new LinkedHashMap<>()).put(route.key(), route.server());
            }
        }

        @Override
        public boolean renew(Route route, Duration ttl) {
            boolean had = keyToServer.containsKey(route.key());
            add(route, ttl);
            return had;
        }

        @Override
        public boolean remove(Route route) {
            Map<String, String> keys = midToKeys.get(route.mid());
            if (keys != null) {
                keys.remove(route.key());
            }
            return keyToServer.remove(route.key(), route.server());
        }

        @Override
        public Map<String, String> serversOfKeys(Collection<String> keys) {
            lookups.incrementAndGet();
            Map<String, String> out = new LinkedHashMap<>();
            keys.forEach(k -> {
                if (keyToServer.containsKey(k)) {
                    out.put(k, keyToServer.get(k));
                }
            });
            return out;
        }

        @Override
        public Map<String, String> keysOfMids(Collection<Long> mids) {
            lookups.incrementAndGet();
            Map<String, String> out = new LinkedHashMap<>();
            mids.forEach(m -> out.putAll(midToKeys.getOrDefault(m, Map.of())));
            return out;
        }
    }

    static final class Online implements OnlineRepo {
        final Map<String, Map<String, Integer>> byServer = new LinkedHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        Duration lastTtl;

        @Override
        public void put(String server, Map<String, Integer> rooms, Duration ttl) {
            lastTtl = ttl;
            byServer.put(server, Map.copyOf(rooms));
        }

        @Override
        public Map<String, Map<String, Integer>> all() {
            reads.incrementAndGet();
            return new LinkedHashMap<>(byServer);
        }
    }

    static final class Publisher implements PushPublisher {
        final List<Push> published = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void publish(List<Push> pushes) {
            calls.incrementAndGet();
            published.addAll(pushes);
        }
    }

    /** A clock the test moves. */
}
