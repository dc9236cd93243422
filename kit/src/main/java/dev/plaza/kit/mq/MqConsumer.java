package dev.plaza.kit.mq;

import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.RpcHeaders;
import dev.plaza.kit.rpc.RpcMetadata;
import dev.plaza.kit.trace.Propagation;
import dev.plaza.kit.trace.TraceContext;
import dev.plaza.kit.trace.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Plaza consumes Kafka: a consumer-group member whose poll loop runs on its own (platform) thread and
 * hands records to an {@link MqHandler} (one record at a time) or an {@link MqBatchHandler} (the records of one
 * partition at a time). By default the handler runs on the poll thread, so the partitions of one poll are handled
 * one after another. With {@link Builder#concurrency}{@code (n)}, n &gt; 1, the records of different partitions of
 * one poll are handled concurrently on up to n worker threads owned by the consumer (worth it when handlers mostly
 * wait on I/O and the member owns several partitions; the handler must then be thread-safe). Jobs rely on these
 * guarantees, whatever the concurrency:
 *
 * <ul>
 *   <li><b>At least once, commit after effect.</b> Auto-commit is off. An offset is committed (synchronously) only
 *       after the handler returned normally for every record before it: after each polled batch, before a partition
 *       is given away in a rebalance, and at {@link #close()}. A crash between the effect and the commit delivers
 *       the record again, so handlers must be idempotent.</li>
 *   <li><b>Never skipped silently.</b> When the handler throws, the same record (for a batch handler: the same batch,
 *       from its first record) is offered again after an exponential backoff ({@link Builder#retryBackoff}). While
 *       it waits, its partition is paused and rewound ({@code pause}/{@code seek}), later records of that partition
 *       are not handled, and the loop keeps polling, so the member stays in the group and other partitions keep
 *       flowing (with concurrency, the other partitions of the same poll finish and are committed). By default it
 *       retries forever (durability first). With {@link Builder#maxAttempts} the record is,
 *       after that many failed attempts, sent to the dead-letter topic {@code <topic>.dlq} when
 *       {@link Builder#deadLetter} is set (if that send fails, the record stays and is retried), or else skipped
 *       with an ERROR log and the {@code skipped} metric.</li>
 *   <li><b>Per-partition order.</b> Records of one partition (so of one key) are handled in offset order, one
 *       handler call at a time; a record is never handled before the records ahead of it in its partition are done.
 *       <b>Records of one partition never run concurrently</b>, also with {@link Builder#concurrency}: each polled
 *       partition is handled by a single thread (the poll thread, or one worker), and the loop polls again only
 *       after every partition of the previous poll finished or stopped at a failure, then commits what is done.
 *       Only records of different partitions may run at the same time.</li>
 *   <li><b>Rebalance safe.</b> When partitions are revoked, what is done is committed first; retry state of a
 *       partition leaves with it (the next owner starts at the committed offset). Lost partitions (the member was
 *       fenced) are not committed: their records are delivered again to the new owner.</li>
 *   <li><b>Graceful close.</b> {@link #close()} wakes the loop, lets the handler calls in hand finish (one per
 *       busy worker with concurrency; the rest of the polled batch is left for the next owner, uncommitted, so
 *       nothing is handled twice by this member), commits, leaves the group and closes the client within the close
 *       timeout (default 10 s). Handlers still running after it are interrupted.</li>
 *   <li><b>Observable.</b> Each handler call runs inside a CONSUMER span ({@code process <topic>}) that is a child
 *       of the producer's {@code traceparent} (a batch: linked to each record's producer span), made current with
 *       {@link TraceContext#activate} so logs carry the trace id. Meters: {@code mq.consumer.records{topic,result}},
 *       {@code mq.consumer.handle{topic,result}}, {@code mq.consumer.lag{group,client}} (see
 *       {@link MqMetricNames}).</li>
 * </ul>
 *
 * <p>A handler that takes longer than the client's {@code max.poll.interval.ms} (5 min) for one poll's records (with
 * concurrency: for the slowest partition of a poll, plus the wait for a free worker) gets the member removed from the
 * group; lower {@link Builder#maxPollRecords} for slow handlers. New groups start from the earliest offset (set
 * {@code consumer.auto.offset.reset} in {@link KafkaConfig#extra()} to change that).
 *
 * <pre>{@code
 * MqConsumer jobs = MqConsumer.builder(kafka, "comment-job", List.of("comment-events"))
 *         .handler(record -> usecase.apply(decode(record.value())))
 *         .meterRegistry(meters).openTelemetry(tracing.openTelemetry())
 *         .build();
 * jobs.start();   // or add it to an App as a Lifecycle
 * ...
 * jobs.close();
 * }</pre>
 */
public final class MqConsumer implements Lifecycle, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINKS = 128;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final KafkaConfig config;
    private final String groupId;
    private final List<String> topics;
    private final MqHandler handler;
    private final MqBatchHandler batchHandler;
    private final MeterRegistry meters;
    private final Tracer tracer;
    private final OpenTelemetry otel;
    private final int maxPollRecords;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final int maxAttempts;
    private final MqProducer deadLetter;
    private final Duration closeTimeout;
    private final int concurrency;
    private final String clientId;

    private final Object lifecycle = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicLong lag = new AtomicLong();
    private volatile boolean running;
    private volatile long stopDeadline;
    private volatile Set<TopicPartition> assignment = Set.of();
    private boolean closed;
    private Consumer<String, byte[]> consumer;
    private volatile Thread thread;
    private ExecutorService workers; // null when concurrency is 1: handlers run on the poll thread
    private Gauge lagGauge;

    // poll-thread state
    private final Map<TopicPartition, Retry> retries = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();

    /** A record (or batch) that failed: where it starts, how often it failed, when to offer it again. */
    private record Retry(long offset, int attempts, long resumeAtNanos) {
    }

    /** The record (or batch) a partition's run stopped at because the handler failed on it. */
    private record Failure(long offset, int attempt, int size, Throwable cause) {
    }

    /**
     * One partition's records of one poll, and how far their handling got. Written only by the thread that runs
     * them (the poll thread, or one worker), read by the poll thread after the run ended (or, at a close that ran out
     * of time, while it may still run: every offset below {@link #next} is done either way). The thread that runs
     * it never touches the client or the poll-thread state: the poll thread applies the outcome ({@code settle}).
     */
    private static final class PartitionRun {
        final TopicPartition tp;
        final List<ConsumerRecord<String, byte[]>> records;
        final Retry prior; // the partition's retry state when the poll returned (immutable), or null
        volatile long next = -1; // the offset after the last record done (handled or given up), -1 when none
        volatile Failure failure; // set when the run stopped at a failure to retry

        PartitionRun(TopicPartition tp, List<ConsumerRecord<String, byte[]>> records, Retry prior) {
            this.tp = tp;
            this.records = records;
            this.prior = prior;
        }
    }

    private MqConsumer(Builder b) {
        this.config = b.config;
        this.groupId = b.groupId;
        this.topics = b.topics;
        this.handler = b.handler;
        this.batchHandler = b.batchHandler;
        this.meters = b.meters;
        this.otel = b.otel;
        this.tracer = b.otel.getTracer(MqTelemetry.SCOPE);
        this.maxPollRecords = b.maxPollRecords;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        this.maxAttempts = b.maxAttempts;
        this.deadLetter = b.deadLetter;
        this.closeTimeout = b.closeTimeout;
        this.concurrency = b.concurrency;
        this.clientId = config.clientId() + "-consumer-" + groupId + "-" + SEQ.incrementAndGet();
    }

    public static Builder builder(KafkaConfig config, String groupId, List<String> topics) {
        return new Builder(config, groupId, topics);
    }

    /**
     * Creates the client and starts the poll loop on its own thread; returns at once (partitions are assigned in
     * the background).
     *
     * @throws IllegalStateException when started twice or after close
     * @throws PlazaError            -503 {@link MqErrors#UNAVAILABLE} when the client cannot be created
     */
    @Override
    public void start() {
        synchronized (lifecycle) {
            if (thread != null || closed) {
                throw new IllegalStateException(this + " was already " + (closed ? "closed" : "started"));
            }
            Map<String, Object> defaults = new HashMap<>();
            defaults.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            Map<String, Object> props = config.clientProperties(KafkaConfig.Kind.CONSUMER, defaults);
            // what the guarantees rest on: not overridable
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
            try {
                consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            } catch (KafkaException e) {
                throw MqErrors.unavailable(String.join(",", topics), "cannot create a kafka consumer for "
                        + config.bootstrap() + ": " + e.getMessage(), e);
            }
            lagGauge = Gauge.builder(MqMetricNames.CONSUMER_LAG, lag, AtomicLong::get)
                    .tag(MqMetricNames.GROUP, groupId)
                    .tag(MqMetricNames.CLIENT, clientId)
                    .description("records behind the end of the partitions this consumer owns")
                    .register(meters);
            if (concurrency > 1) {
                workers = Executors.newFixedThreadPool(concurrency, workerThreads());
            }
            running = true;
            thread = new Thread(this::run, "mq-" + clientId);
            thread.setDaemon(true);
            thread.start();
            LOG.info("consumer {} of group {} started on {} (concurrency {})", clientId, groupId, topics,
                    concurrency);
        }
    }

    @Override
    public void stop() {
        close();
    }

    /**
     * Stops gracefully: the handler calls in hand finish, what is done is committed, the member leaves the group
     * (so its partitions move at once) and the client closes. Waits up to the close timeout, then interrupts the
     * handlers still running (and shuts the worker pool down). Idempotent; a consumer never started just becomes
     * unusable.
     */
    @Override
    public void close() {
        Thread t;
        ExecutorService pool;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            pool = workers;
            if (t == null) {
                return;
            }
            stopDeadline = System.nanoTime() + closeTimeout.toNanos();
            running = false;
            stopSignal.countDown();
            consumer.wakeup();
        }
        long started = System.nanoTime();
        join(t, closeTimeout);
        if (t.isAlive()) {
            LOG.warn("consumer {} did not stop within {} ms (a handler still runs); interrupting it", clientId,
                    closeTimeout.toMillis());
            t.interrupt();
            if (pool != null) {
                pool.shutdownNow(); // interrupts the handlers on the workers; the poll thread collects what is done
            }
            join(t, Duration.ofSeconds(2));
            if (t.isAlive()) {
                LOG.error("consumer {} is still running after an interrupt; abandoning its thread", clientId);
            }
        }
        if (pool != null) {
            pool.shutdownNow(); // idle unless a handler ignored its interrupt: interrupt it again, then abandon it
        }
        meters.remove(lagGauge);
        LOG.info("consumer {} of group {} stopped in {} ms", clientId, groupId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** True from {@link #start()} until {@link #close()} or until the poll loop died of an unexpected error. */
    public boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    /** The partitions this member owns right now (a snapshot; empty before the first assignment). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    public String groupId() {
        return groupId;
    }

    @Override
    public String toString() {
        return "MqConsumer{" + clientId + ", group=" + groupId + ", topics=" + topics + "}";
    }

    // ---------------------------------------------------------------------------------------------- poll thread

    private void run() {
        try {
            consumer.subscribe(topics, new Rebalance());
            while (running) {
                resumeDue();
                ConsumerRecords<String, byte[]> batch;
                try {
                    batch = consumer.poll(pollTimeout());
                } catch (WakeupException e) {
                    continue; // close() woke us: the loop condition decides
                } catch (InterruptException e) {
                    if (running) {
                        Thread.interrupted(); // not close(): someone else's interrupt must not spin the loop
                        LOG.warn("consumer {} poll interrupted; polling on", clientId);
                    }
                    continue;
                } catch (KafkaException e) {
                    LOG.warn("consumer {} poll failed, polling again in {} ms: {}", clientId, backoffMin.toMillis(),
                            e.toString());
                    awaitStop(backoffMin);
                    continue;
                }
                updateLag();
                handle(batch);
                commitDone();
            }
        } catch (Throwable t) {
            LOG.error("consumer {} of group {} stopped by an unexpected error; its partitions go to other members",
                    clientId, groupId, t);
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
        } finally {
            boolean interrupted = Thread.interrupted(); // let the last commit and close talk to the broker
            try {
                commitDone();
            } catch (RuntimeException e) {
                LOG.warn("consumer {} final commit failed; those records will be delivered again: {}", clientId,
                        e.toString());
            }
            try {
                consumer.close(CloseOptions.timeout(remainingCloseTime()));
            } catch (RuntimeException e) {
                LOG.warn("closing consumer {} failed: {}", clientId, e.toString());
            }
            assignment = Set.of();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void handle(ConsumerRecords<String, byte[]> batch) {
        if (workers == null) {
            for (TopicPartition tp : batch.partitions()) {
                if (!running) {
                    return;
                }
                PartitionRun run = new PartitionRun(tp, batch.records(tp), retries.get(tp));
                try {
                    runPartition(run);
                } finally {
                    settle(run); // also when an Error escapes: what is done before it gets committed in run()
                }
            }
            return;
        }
        handleConcurrently(batch);
    }

    /**
     * One task per polled partition on the worker pool (so one thread per partition, in offset order); waits until
     * every task finished or stopped at a failure, then applies their outcomes on this (the poll) thread.
     */
    private void handleConcurrently(ConsumerRecords<String, byte[]> batch) {
        List<PartitionRun> runs = new ArrayList<>();
        List<Future<?>> tasks = new ArrayList<>();
        for (TopicPartition tp : batch.partitions()) {
            if (!running) {
                break;
            }
            PartitionRun run = new PartitionRun(tp, batch.records(tp), retries.get(tp));
            try {
                tasks.add(workers.submit(() -> runPartition(run)));
            } catch (RejectedExecutionException e) {
                break; // close() already shut the pool down: the rest is left for the next owner
            }
            runs.add(run);
        }
        Throwable escaped = awaitAll(tasks);
        for (PartitionRun run : runs) {
            settle(run);
        }
        if (escaped instanceof Error e) {
            throw e;
        }
        if (escaped instanceof RuntimeException e) {
            throw e;
        }
        if (escaped != null) {
            throw new IllegalStateException("a partition's handling failed unexpectedly", escaped);
        }
    }

    /**
     * Waits for every task; returns the first unexpected throwable a task ended with (the handler's own failures are
     * caught in {@link #invoke}), or null. An interrupt while the consumer runs is not ours and is ignored (as in
     * poll). An interrupt from close() (its timeout passed; it also interrupted the workers) leaves the tasks a short
     * moment to return (their handlers see the interrupt); a task still running after it is abandoned, and what it
     * got done so far is kept (and committed: every offset it recorded is done).
     */
    private Throwable awaitAll(List<Future<?>> tasks) {
        Throwable escaped = null;
        boolean interrupted = false;
        long deadline = 0;
        for (Future<?> task : tasks) {
            while (true) {
                try {
                    if (interrupted) {
                        task.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
                    } else {
                        task.get();
                    }
                    break;
                } catch (ExecutionException e) {
                    if (escaped == null) {
                        escaped = e.getCause();
                    }
                    break;
                } catch (CancellationException | TimeoutException e) {
                    break;
                } catch (InterruptedException e) {
                    if (running) {
                        LOG.warn("consumer {} interrupted while its workers handle records; waiting on", clientId);
                        continue;
                    }
                    interrupted = true;
                    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                }
            }
        }
        return escaped; // an interrupt from close() is not restored: running is false, so the loop ends anyway
    }

    /**
     * Handles one partition's records of one poll, in offset order, until done, a failure to retry, or close. Runs on
     * the poll thread or on a worker: it only calls the handler (and the dead-letter producer, the meters and the
     * log, all thread-safe) and records the outcome in {@code run}; it never touches the client or poll-thread state.
     */
    private void runPartition(PartitionRun run) {
        if (batchHandler != null) {
            if (running) {
                runUnit(run, run.records);
            }
            return;
        }
        for (ConsumerRecord<String, byte[]> r : run.records) {
            if (!running || !runUnit(run, List.of(r))) {
                return;
            }
        }
    }

    /** Handles one record or batch; true when the partition may go on with the next records. */
    private boolean runUnit(PartitionRun run, List<ConsumerRecord<String, byte[]>> unit) {
        TopicPartition tp = run.tp;
        long first = unit.getFirst().offset();
        long next = unit.getLast().offset() + 1;
        Retry prior = run.prior;
        int attempt = prior != null && prior.offset() == first ? prior.attempts() + 1 : 1;
        List<MqRecord> records = new ArrayList<>(unit.size());
        for (ConsumerRecord<String, byte[]> r : unit) {
            records.add(MqRecord.of(r));
        }
        Throwable failure = invoke(tp, records, attempt);
        if (failure == null) {
            run.next = next;
            count(tp.topic(), MqMetricNames.OK, records.size());
            return true;
        }
        if (!running && isInterruption(failure)) {
            return false; // close() interrupted a handler that did not finish: not done, delivered again later
        }
        if (attempt >= maxAttempts && giveUp(records, failure, attempt)) {
            run.next = next;
            return true;
        }
        run.failure = new Failure(first, attempt, records.size(), failure);
        return false;
    }

    /** Applies a partition run's outcome; on the poll thread only (the client is not thread-safe). */
    private void settle(PartitionRun run) {
        TopicPartition tp = run.tp;
        long next = run.next;
        if (next >= 0) {
            retries.remove(tp);
            done.put(tp, new OffsetAndMetadata(next));
        }
        Failure f = run.failure;
        if (f == null) {
            return;
        }
        count(tp.topic(), MqMetricNames.RETRY, f.size());
        Duration wait = backoff(f.attempt());
        retries.put(tp, new Retry(f.offset(), f.attempt(), System.nanoTime() + wait.toNanos()));
        consumer.seek(tp, f.offset());
        consumer.pause(List.of(tp));
        // the stack trace on the first failure and every tenth: a record retried for hours must not flood the log
        LOG.warn("handler failed on {}-{}@{}{} (attempt {}), offering it again in {} ms: {}", tp.topic(),
                tp.partition(), f.offset(), f.size() > 1 ? " (batch of " + f.size() + ")" : "", f.attempt(),
                wait.toMillis(), f.cause().toString(), f.attempt() == 1 || f.attempt() % 10 == 0 ? f.cause() : null);
    }

    /**
     * The {@code x-md-global-*} values the records were produced with (their request's traffic colour, ...), so the
     * handler's own calls carry them on; none when the records of a batch disagree.
     */
    static RpcMetadata metadataOf(List<MqRecord> records) {
        RpcMetadata first = null;
        for (MqRecord r : records) {
            Map<String, String> values = new LinkedHashMap<>();
            r.headers().forEach((k, v) -> {
                if (k.startsWith(RpcHeaders.GLOBAL_PREFIX) && v != null) {
                    values.put(k, v);
                }
            });
            RpcMetadata md;
            try {
                md = values.isEmpty() ? RpcMetadata.EMPTY : new RpcMetadata(values);
            } catch (IllegalArgumentException e) {
                md = RpcMetadata.EMPTY; // a malformed header from some other producer: not ours to carry on
            }
            if (first == null) {
                first = md;
            } else if (!first.equals(md)) {
                return RpcMetadata.EMPTY;
            }
        }
        return first == null ? RpcMetadata.EMPTY : first;
    }

    /** Runs the handler inside a CONSUMER span; returns what it threw, or null. */
    private Throwable invoke(TopicPartition tp, List<MqRecord> records, int attempt) {
        Span span = startSpan(tp, records, attempt);
        long start = System.nanoTime();
        Throwable failure = null;
        io.grpc.Context withMetadata = metadataOf(records).context();
        io.grpc.Context previous = withMetadata.attach();
        try (Scope ignored = TraceContext.activate(span)) {
            if (batchHandler != null) {
                batchHandler.handle(records);
            } else {
                handler.handle(records.getFirst());
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            failure = t;
            span.recordException(t);
            span.setStatus(StatusCode.ERROR, t.getClass().getSimpleName());
        } finally {
            withMetadata.detach(previous);
            span.end();
            MqTelemetry.timer(MqMetricNames.CONSUMER_HANDLE)
                    .tag(MqMetricNames.TOPIC, tp.topic())
                    .tag(MqMetricNames.RESULT, failure == null ? MqMetricNames.OK : MqMetricNames.ERROR)
                    .register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return failure;
    }

    private Span startSpan(TopicPartition tp, List<MqRecord> records, int attempt) {
        SpanBuilder b = tracer.spanBuilder("process " + tp.topic())
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MqTelemetry.SYSTEM, "kafka")
                .setAttribute(MqTelemetry.DESTINATION, tp.topic())
                .setAttribute(MqTelemetry.PARTITION, Integer.toString(tp.partition()))
                .setAttribute(MqTelemetry.OPERATION_TYPE, "process")
                .setAttribute(MqTelemetry.OPERATION_NAME, "process")
                .setAttribute(MqTelemetry.GROUP, groupId)
                .setAttribute(MqTelemetry.OFFSET, records.getFirst().offset())
                .setAttribute(MqTelemetry.ATTEMPT, (long) attempt);
        if (batchHandler == null) {
            MqRecord r = records.getFirst();
            b.setParent(Propagation.extract(otel, r.headers()::get));
        } else {
            b.setNoParent().setAttribute(MqTelemetry.BATCH_COUNT, (long) records.size());
            Set<SpanContext> seen = new HashSet<>();
            for (MqRecord r : records) {
                SpanContext producer = Span.fromContext(Propagation.extract(otel, r.headers()::get))
                        .getSpanContext();
                if (producer.isValid() && seen.size() < MAX_LINKS && seen.add(producer)) {
                    b.addLink(producer);
                }
            }
        }
        return b.startSpan();
    }

    /** After the last attempt: dead-letter or skip. False when the dead-letter send failed (keep retrying). */
    private boolean giveUp(List<MqRecord> records, Throwable failure, int attempts) {
        MqRecord first = records.getFirst();
        if (deadLetter == null) {
            LOG.error("giving up on {}{} after {} failed attempts; SKIPPED (no dead-letter topic configured)",
                    first.position(), records.size() > 1 ? " and the " + (records.size() - 1) + " records after it"
                            : "", attempts, failure);
            count(first.topic(), MqMetricNames.SKIPPED, records.size());
            return true;
        }
        String dlq = first.topic() + ".dlq";
        try {
            for (MqRecord r : records) {
                Map<String, String> headers = new LinkedHashMap<>(r.headers());
                headers.put("plaza-dlq-topic", r.topic());
                headers.put("plaza-dlq-partition", Integer.toString(r.partition()));
                headers.put("plaza-dlq-offset", Long.toString(r.offset()));
                headers.put("plaza-dlq-group", groupId);
                headers.put("plaza-dlq-attempts", Integer.toString(attempts));
                headers.put("plaza-dlq-error", truncate(failure.toString(), 1000));
                deadLetter.send(dlq, r.key(), r.value(), headers);
            }
        } catch (PlazaError e) {
            LOG.warn("could not move {} to {} after {} failed attempts; it stays and is retried: {}",
                    first.position(), dlq, attempts, e.toString());
            return false;
        }
        LOG.error("moved {}{} to {} after {} failed attempts", first.position(), records.size() > 1
                ? " and the " + (records.size() - 1) + " records after it" : "", dlq, attempts, failure);
        count(first.topic(), MqMetricNames.DEAD_LETTER, records.size());
        return true;
    }

    private Duration backoff(int attempt) {
        long min = backoffMin.toNanos();
        int shift = Math.min(attempt - 1, 62);
        long nanos = shift >= Long.numberOfLeadingZeros(min) ? Long.MAX_VALUE : min << shift; // saturate, no overflow
        return Duration.ofNanos(Math.min(nanos, backoffMax.toNanos()));
    }

    private void resumeDue() {
        if (retries.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> due = new ArrayList<>();
        retries.forEach((tp, r) -> {
            if (r.resumeAtNanos() - now <= 0 && paused.contains(tp)) {
                due.add(tp);
            }
        });
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    /** The usual poll timeout, shortened so a paused partition is resumed when its backoff ends. */
    private Duration pollTimeout() {
        long now = System.nanoTime();
        long wait = POLL_TIMEOUT.toNanos();
        if (!retries.isEmpty()) {
            Set<TopicPartition> paused = consumer.paused();
            for (Map.Entry<TopicPartition, Retry> e : retries.entrySet()) {
                if (paused.contains(e.getKey())) {
                    wait = Math.min(wait, e.getValue().resumeAtNanos() - now);
                }
            }
        }
        return Duration.ofNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
    }

    private void updateLag() {
        long sum = 0;
        for (TopicPartition tp : assignment) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                sum += l.getAsLong();
            }
        }
        lag.set(sum);
    }

    /** Commits the done offsets; on failure keeps them for the next try (or the next owner re-handles them). */
    private void commitDone() {
        if (done.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(done);
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(offsets, COMMIT_TIMEOUT);
                done.keySet().removeAll(offsets.keySet());
                return;
            } catch (WakeupException e) {
                if (attempt >= 2) { // a wakeup is consumed by the call it interrupts; one retry is enough
                    return;
                }
            } catch (InterruptException e) {
                return; // keep them; the final commit in run() clears the flag and tries again
            } catch (CommitFailedException e) {
                // the group moved on without us: the partitions' new owners get these records again
                LOG.warn("consumer {} could not commit {} (no longer owns the partitions); they will be delivered "
                        + "again: {}", clientId, offsets, e.getMessage());
                done.keySet().removeAll(offsets.keySet());
                return;
            } catch (RebalanceInProgressException e) {
                LOG.info("consumer {} commit postponed by a rebalance", clientId);
                return;
            } catch (KafkaException e) {
                LOG.warn("consumer {} commit of {} failed, trying again later: {}", clientId, offsets, e.toString());
                return;
            }
        }
    }

    private Duration remainingCloseTime() {
        long deadline = stopDeadline;
        long left = deadline == 0 ? closeTimeout.toNanos() : deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(500)));
    }

    private void awaitStop(Duration d) {
        try {
            stopSignal.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void count(String topic, String result, int n) {
        Counter.builder(MqMetricNames.CONSUMER_RECORDS)
                .tag(MqMetricNames.TOPIC, topic)
                .tag(MqMetricNames.RESULT, result)
                .register(meters)
                .increment(n);
    }

    private static boolean isInterruption(Throwable t) {
        return t instanceof InterruptedException || t instanceof InterruptException
                || (t.getCause() != null && t.getCause() != t && isInterruption(t.getCause()));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * Platform threads, not virtual ones: the pool is small (at most 256), fixed and lives as long as the consumer, so
     * cheap thread creation buys nothing (and virtual threads are not meant to be pooled); handlers mostly block in
     * JDBC drivers and connection pools, where on Java 21 a virtual thread blocking inside {@code synchronized} pins
     * its carrier, so n handlers could end up sharing a few carriers (or deadlock) instead of running n at a time;
     * and the handlers keep running on the same kind of thread as with concurrency 1 (the poll thread): same
     * ThreadLocal, interrupt and thread-dump behaviour. Daemon like the poll thread: a consumer never closed does not
     * keep the JVM alive.
     */
    private ThreadFactory workerThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "mq-" + clientId + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void join(Thread t, Duration d) {
        try {
            t.join(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs inside poll() on the poll thread, so no handler runs meanwhile. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitDone();
            forget(partitions);
            LOG.info("consumer {} released {}", clientId, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            retries.keySet().removeAll(partitions); // stale: a new assignment starts from the committed offset
            assignment = Set.copyOf(consumer.assignment());
            if (!partitions.isEmpty()) {
                LOG.info("consumer {} got {}", clientId, partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.warn("consumer {} lost {} without a chance to commit; their records will be delivered again",
                    clientId, partitions);
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            retries.keySet().removeAll(partitions);
            done.keySet().removeAll(partitions);
            Set<TopicPartition> left = new HashSet<>(assignment);
            left.removeAll(partitions);
            assignment = Set.copyOf(left);
        }
    }

    /** Settings of an {@link MqConsumer}; {@link #handler} or {@link #batchHandler} is required. */
    public static final class Builder {
        private final KafkaConfig config;
        private final String groupId;
        private final List<String> topics;
        private MqHandler handler;
        private MqBatchHandler batchHandler;
        private MeterRegistry meters = new SimpleMeterRegistry();
        private OpenTelemetry otel = Tracing.noop().openTelemetry();
        private int maxPollRecords = 200;
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int maxAttempts = Integer.MAX_VALUE;
        private MqProducer deadLetter;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private int concurrency = 1;

        private Builder(KafkaConfig config, String groupId, List<String> topics) {
            this.config = Objects.requireNonNull(config, "config");
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("groupId is required");
            }
            if (topics == null || topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
                throw new IllegalArgumentException("at least one topic is required, got " + topics);
            }
            this.groupId = groupId;
            this.topics = List.copyOf(topics);
        }

        /** Handles one record at a time. */
        public Builder handler(MqHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            this.batchHandler = null;
            return this;
        }

        /** Handles the polled records of one partition at a time (instead of {@link #handler}). */
        public Builder batchHandler(MqBatchHandler handler) {
            this.batchHandler = Objects.requireNonNull(handler, "batchHandler");
            this.handler = null;
            return this;
        }

        /** Default: a private registry (the meters are then only visible to tests). */
        public Builder meterRegistry(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        /** Default: propagate trace ids without recording spans ({@link Tracing#noop()}). */
        public Builder openTelemetry(OpenTelemetry otel) {
            this.otel = Objects.requireNonNull(otel, "otel");
            return this;
        }

        /** Records per poll (and the largest batch a batch handler sees); default 200. */
        public Builder maxPollRecords(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPollRecords must be at least 1, got " + n);
            }
            this.maxPollRecords = n;
            return this;
        }

        /** Wait before attempt n+1 is {@code min * 2^(n-1)}, at most {@code max}; default 100 ms .. 30 s. */
        public Builder retryBackoff(Duration min, Duration max) {
            if (min == null || max == null || min.toMillis() < 1 || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("retry backoff needs 1 ms <= min <= max, got " + min + ", " + max);
            }
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        /**
         * Attempts per record before giving up on it (dead-letter topic if {@link #deadLetter} is set, else skip
         * with an ERROR log). Default: unlimited.
         */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + n);
            }
            this.maxAttempts = n;
            return this;
        }

        /**
         * Records given up after {@link #maxAttempts} go to {@code <topic>.dlq} through this producer (not closed by
         * the consumer), with their key, value and headers plus {@code plaza-dlq-topic}, {@code -partition},
         * {@code -offset}, {@code -group}, {@code -attempts} and {@code -error}. Create the topic with
         * {@link MqTopics#ensure} when the broker does not auto-create topics.
         */
        public Builder deadLetter(MqProducer producer) {
            this.deadLetter = Objects.requireNonNull(producer, "producer");
            return this;
        }

        /** How long {@link MqConsumer#close()} waits for the loop to finish and the client to close; default 10 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be positive, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * How many partitions' records of one poll are handled at once, each partition by one thread in offset order;
         * default 1: on the poll thread, one partition after another. With n &gt; 1 the consumer owns a pool of n
         * worker threads (created by {@link MqConsumer#start()}, shut down by {@link MqConsumer#close()}); records of
         * one partition still never run concurrently, and every guarantee of {@link MqConsumer} holds. Worth it when
         * handlers mostly wait (database round trips) and the member owns several partitions: more than the number of
         * partitions it owns adds nothing. The handler must then be thread-safe.
         *
         * @throws IllegalArgumentException unless 1 &lt;= n &lt;= 256
         */
        public Builder concurrency(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("concurrency must be between 1 and 256, got " + n);
            }
            this.concurrency = n;
            return this;
        }

        public MqConsumer build() {
            if (handler == null && batchHandler == null) {
                throw new IllegalStateException("a handler or a batchHandler is required");
            }
            return new MqConsumer(this);
        }
    }
}
