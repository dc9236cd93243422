package dev.plaza.im.job;

import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.api.im.v1.PushKeysRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls comets for the job. Each call has a deadline and is tried a few times with a doubling backoff; a comet that
 * still fails is logged, counted ({@code im.job.comet.calls{result=gave_up}}) and skipped, so one sick comet delays a
 * message by at most the attempts' bound and never holds the others: calls to several comets run in parallel.
 * Only an interrupt (the job stopping) escapes, so the consumer offers the message again after a restart.
 */
final class CometDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CometDelivery.class);

    /**
     * @param callTimeout deadline of one call to one comet
     * @param attempts    calls to a comet per message at most (1: no retry)
     * @param backoff     wait before the second attempt, doubled for each further one
     */
    record Settings(Duration callTimeout, int attempts, Duration backoff) {
        Settings {
            if (callTimeout.toMillis() < 1 || attempts < 1 || backoff.isNegative()) {
                throw new IllegalArgumentException("callTimeout and attempts must be positive, backoff not negative");
            }
        }
    }

    private final CometDirectory comets;
    private final Settings settings;
    private final MeterRegistry meters;
    private final Counter unknownServer;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Fan-out to several comets: the calls only wait on the network, so a virtual thread each. */
    private final ExecutorService fanOut = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("im-job-comet-", 0).factory());

    CometDelivery(CometDirectory comets, Settings settings, MeterRegistry meters) {
        this.comets = comets;
        this.settings = settings;
        this.meters = meters;
        this.unknownServer = Counter.builder("im.job.comet.unknown")
                .description("key pushes for a comet the directory does not know (skipped)").register(meters);
    }

    /** Key push to the comet holding the keys. */
    void pushKeys(String server, PushKeysRequest request) throws InterruptedException {
        CometGrpc.CometBlockingStub stub = comets.comet(server);
        if (stub == null) {
            unknownServer.increment();
            log.warn("skipping a push to {} keys on comet {}: no such comet", request.getKeysCount(), server);
            return;
        }
        call("PushKeys", server, stub, (s, deadline) -> s.withDeadline(deadline).pushKeys(request));
    }

    /** A room's batch to every comet (a room spans comets). */
    void broadcastRoom(BroadcastRoomRequest request) throws InterruptedException {
        toAll("BroadcastRoom", (s, deadline) -> s.withDeadline(deadline).broadcastRoom(request));
    }

    /**
     * A message to every connection of every comet. The speed is for the whole site, so each comet gets its share
     * (goim divides it the same way); 0 stays unlimited.
     */
    void broadcast(BroadcastRequest request) throws InterruptedException {
        int n = Math.max(1, comets.servers().size());
        BroadcastRequest share = request.getSpeed() <= 0 ? request
                : request.toBuilder().setSpeed(Math.max(1, request.getSpeed() / n)).build();
        toAll("Broadcast", (s, deadline) -> s.withDeadline(deadline).broadcast(share));
    }

    private void toAll(String method, BiFunction<CometGrpc.CometBlockingStub, io.grpc.Deadline, ?> rpc)
            throws InterruptedException {
        List<String> servers = comets.servers();
        if (servers.size() == 1) {
            String only = servers.getFirst();
            CometGrpc.CometBlockingStub stub = comets.comet(only);
            if (stub != null) {
                call(method, only, stub, rpc);
            }
            return;
        }
        List<Future<?>> calls = new ArrayList<>(servers.size());
        for (String server : servers) {
            CometGrpc.CometBlockingStub stub = comets.comet(server);
            if (stub != null) {
                calls.add(fanOut.submit(() -> {
                    call(method, server, stub, rpc);
                    return null;
                }));
            }
        }
        try {
            for (Future<?> f : calls) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    // call() gives up on failing comets by itself: what comes here is an interrupt or a bug
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new InterruptedException("delivery to a comet was interrupted: " + e.getCause());
                }
            }
        } catch (InterruptedException e) {
            calls.forEach(f -> f.cancel(true));
            throw e;
        }
    }

    private void call(String method, String server, CometGrpc.CometBlockingStub stub,
                      BiFunction<CometGrpc.CometBlockingStub, io.grpc.Deadline, ?> rpc) throws InterruptedException {
        long backoff = settings.backoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopping before calling " + method + " on comet " + server);
            }
            try {
                rpc.apply(stub, io.grpc.Deadline.after(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS));
                count(method, "ok");
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.CANCELLED && Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("interrupted while calling " + method + " on comet " + server);
                }
                boolean retryable = e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT
                        && e.getStatus().getCode() != Status.Code.UNIMPLEMENTED;
                if (!retryable || attempt >= settings.attempts()) {
                    count(method, "gave_up");
                    log.warn("comet {} failed {} {} time(s), giving up on this message: {}", server, method, attempt,
                            e.getStatus());
                    return;
                }
                count(method, "retried");
                log.debug("comet {} failed {} (attempt {}): {}", server, method, attempt, e.getStatus());
                Thread.sleep(backoff);
                backoff *= 2;
            }
        }
    }

    private void count(String method, String result) {
        counters.computeIfAbsent(method + "/" + result, k -> Counter.builder("im.job.comet.calls")
                .tag("method", method).tag("result", result)
                .description("calls from the job to comets: ok, retried (failed, tried again), gave_up")
                .register(meters)).increment();
    }

    @Override
    public void close() {
        fanOut.shutdownNow();
    }
}
