package dev.plaza.comment.data.search;

import dev.plaza.kit.db.DbConfig;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the comment tables' binlog with Debezium embedded (the MySQL connector, which reads MariaDB's binlog too)
 * and merges every change of a {@code reply_index_NN} or {@code reply_content_NN} row into the search document of
 * its rpid, so an edit in the tables is searchable about a second later.
 *
 * <p>One Debezium engine per database server (databases on the same server share one binlog). The binlog position
 * is kept in a file under the data folder and advances only after OpenSearch accepted the changes before it, so a
 * restart resumes where the last run stopped and nothing is lost; a change may be applied twice after a crash, which
 * merging the same fields makes harmless. On the very first start (no offsets yet) the connector first snapshots
 * the existing rows, unless {@link Settings#snapshotExisting()} is off.
 *
 * <p>When OpenSearch refuses or cannot be reached, the batch is retried with backoff and the binlog waits (it is
 * kept by the server for days). Documents the index refuses for good are counted and logged, not retried.
 */
public final class BinlogIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinlogIndexer.class);
    private static final Pattern INDEX_TABLE = Pattern.compile("reply_index_[0-9]+");
    private static final Pattern CONTENT_TABLE = Pattern.compile("reply_content_[0-9]+");
    private static final String TABLE_REGEX = "reply_(index|content)_[0-9]+";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * @param databases        the comment databases (any order; those on one server share one binlog reader)
     * @param offsetDir        where binlog positions and the schema history are kept; must survive restarts
     * @param serverId         the replica id this reader announces (unique among the server's replicas); 0 derives one
     *                         from the offset folder, stable across restarts
     * @param snapshotExisting on the first start, index the rows already in the tables before following the binlog
     * @param pollInterval     how long Debezium waits for more changes before handing over a batch
     */
    public record Settings(List<DbConfig> databases, Path offsetDir, int serverId, boolean snapshotExisting,
                           Duration pollInterval) {
        public Settings {
            if (databases == null || databases.isEmpty()) {
                throw new IllegalArgumentException("at least one comment database is required");
            }
            databases = List.copyOf(databases);
            Objects.requireNonNull(offsetDir, "offsetDir");
            if (serverId < 0) {
                throw new IllegalArgumentException("serverId must be positive (or 0 to derive one)");
            }
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive");
            }
        }

        public static Settings of(List<DbConfig> databases, Path offsetDir) {
            return new Settings(databases, offsetDir, 0, true, Duration.ofMillis(100));
        }
    }

    private final Settings settings;
    private final CommentIndex index;
    private final List<Reader> readers = new ArrayList<>();
    /** Batches hold it shared; a reindex holds it exclusively, so no binlog write lands while it rebuilds. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private final Counter recordsCounter;
    private final Counter rejectedCounter;
    private final Counter retriesCounter;
    private final MeterRegistry meters;
    private final List<io.micrometer.core.instrument.Meter> registered = new ArrayList<>();
    private volatile boolean closing;
    private boolean started;

    public BinlogIndexer(Settings settings, CommentIndex index, MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.index = Objects.requireNonNull(index, "index");
        MeterRegistry m = meters == null ? new SimpleMeterRegistry() : meters;
        this.meters = m;
        this.recordsCounter = Counter.builder("comment.search.binlog.records")
                .description("row changes read from the binlog").register(m);
        this.rejectedCounter = Counter.builder("comment.search.binlog.rejected")
                .description("documents the search index refused for good").register(m);
        this.retriesCounter = Counter.builder("comment.search.binlog.retries")
                .description("batches written again after the search index failed").register(m);
        registered.add(Gauge.builder("comment.search.binlog.lag", this, BinlogIndexer::lagMillis)
                .baseUnit("milliseconds")
                .description("for the last batch written: time from the commit of its newest change in the database "
                        + "to the search index accepting it")
                .register(m));
        registered.add(recordsCounter);
        registered.add(rejectedCounter);
        registered.add(retriesCounter);
    }

    /** Starts one binlog reader per database server; returns at once (snapshot and streaming run in background). */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        try {
            Files.createDirectories(settings.offsetDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the offset folder " + settings.offsetDir(), e);
        }
        try {
            index.ensure();
        } catch (RuntimeException e) {
            // the readers retry their writes, creating the index once OpenSearch answers
            log.warn("search index not ready yet ({}); the binlog readers start anyway", e.getMessage());
        }
        Map<String, List<DbTarget>> byServer = new LinkedHashMap<>();
        for (DbConfig c : settings.databases()) {
            DbTarget t = DbTarget.of(c);
            byServer.computeIfAbsent(t.server(), k -> new ArrayList<>()).add(t);
        }
        int i = 0;
        for (List<DbTarget> targets : byServer.values()) {
            Reader r = new Reader(targets, serverId(i++));
            readers.add(r);
            r.thread.start();
        }
    }

    /** Stops the readers after their current batch; the positions reached are kept for the next start. */
    @Override
    public synchronized void close() {
        closing = true;
        for (Reader r : readers) {
            r.stop();
        }
        readers.clear();
        // a later indexer in this process registers its own
        registered.forEach(meters::remove);
        registered.clear();
    }

    /** Row changes read from the binlog (or the first snapshot) by this instance since it started. */
    public long records() {
        return records.get();
    }

    /** Search documents written by this instance since it started. */
    public long documents() {
        return documents.get();
    }

    /** True once every reader has its connector running (snapshotting or streaming). */
    public boolean isRunning() {
        synchronized (this) {
            return started && !closing && !readers.isEmpty() && readers.stream().allMatch(r -> r.running);
        }
    }

    /**
     * Runs {@code work} while no binlog change is written to the index. Changes that arrive meanwhile wait and are
     * applied afterwards, in order, so whatever {@code work} writes from the tables is then brought up to date.
     */
    public <T> T paused(Supplier<T> work) {
        gate.writeLock().lock();
        try {
            return work.get();
        } finally {
            gate.writeLock().unlock();
        }
    }

    private double lagMillis() {
        return lagMillis.get();
    }

    private int serverId(int reader) {
        int base = settings.serverId() != 0 ? settings.serverId()
                : 5400 + Math.floorMod(settings.offsetDir().toAbsolutePath().normalize().toString().hashCode(), 90_000);
        return base + reader;
    }

    /** One Debezium engine following one server, restarted with backoff when it stops on its own. */
    private final class Reader implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
        private final List<DbTarget> targets;
        private final int serverId;
        private final String name;
        private final Thread thread;
        private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
        private volatile boolean running;

        Reader(List<DbTarget> targets, int serverId) {
            this.targets = targets;
            this.serverId = serverId;
            DbTarget first = targets.get(0);
            // named after the databases, not the address, so the kept position survives a port or host name change
            this.name = "plaza-comment-search-" + targets.stream().map(DbTarget::database)
                    .collect(Collectors.joining("+")).replaceAll("[^A-Za-z0-9_+$-]", "_");
            this.thread = Thread.ofPlatform().name("binlog-" + first.server()).daemon(true).unstarted(this::loop);
        }

        private void loop() {
            long backoff = 500;
            while (!closing) {
                long startedAt = System.nanoTime();
                try {
                    DebeziumEngine<RecordChangeEvent<SourceRecord>> e = build();
                    engine = e;
                    if (closing) {
                        break;
                    }
                    e.run();
                } catch (RuntimeException | LinkageError ex) {
                    log.error("binlog reader {} failed", name, ex);
                } finally {
                    running = false;
                }
                if (closing) {
                    break;
                }
                if (System.nanoTime() - startedAt > TimeUnit.MINUTES.toNanos(1)) {
                    backoff = 500;
                }
                log.warn("binlog reader {} stopped; restarting in {} ms", name, backoff);
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }

        private DebeziumEngine<RecordChangeEvent<SourceRecord>> build() {
            return DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties())
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            running = true;
                            log.info("binlog reader {} running (server id {})", name, serverId);
                        }

                        @Override
                        public void taskStopped() {
                            running = false;
                        }
                    })
                    .using((success, message, error) -> {
                        running = false;
                        if (!success && !closing) {
                            log.error("binlog reader {} stopped: {}", name, message, error);
                        }
                    })
                    .notifying(this)
                    .build();
        }

        void stop() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // close again while the thread lives: an engine built just as we closed may only now be running
            while (thread.isAlive() && System.nanoTime() < deadline) {
                DebeziumEngine<RecordChangeEvent<SourceRecord>> e = engine;
                if (e != null) {
                    try {
                        e.close();
                    } catch (IOException | RuntimeException ex) {
                        log.debug("closing binlog reader {}: {}", name, ex.toString());
                    }
                }
                try {
                    thread.join(1000);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (thread.isAlive()) {
                log.warn("binlog reader {} did not stop within 30 s", name);
            }
        }

        private Properties properties() {
            DbTarget first = targets.get(0);
            String file = name.substring("plaza-comment-search-".length());
            Properties p = new Properties();
            p.setProperty("name", name);
            p.setProperty("connector.class", "io.debezium.connector.mysql.MySqlConnector");
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename",
                    settings.offsetDir().resolve("binlog-" + file + ".offsets").toString());
            p.setProperty("offset.flush.interval.ms", "1000");
            p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
            p.setProperty("schema.history.internal.file.filename",
                    settings.offsetDir().resolve("binlog-" + file + ".history").toString());
            p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
            p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
            p.setProperty("database.hostname", first.host());
            p.setProperty("database.port", Integer.toString(first.port()));
            p.setProperty("database.user", first.user());
            p.setProperty("database.password", first.password());
            p.setProperty("database.server.id", Integer.toString(serverId));
            p.setProperty("database.ssl.mode", "disabled");
            // the MySQL connector reading MariaDB: see MariaDbCompatDriver
            p.setProperty("database.jdbc.driver", MariaDbCompatDriver.class.getName());
            p.setProperty("database.protocol", MariaDbCompatDriver.PROTOCOL);
            p.setProperty("topic.prefix", "plaza_comment_search");
            p.setProperty("database.include.list",
                    targets.stream().map(DbTarget::database).map(Pattern::quote).collect(Collectors.joining(",")));
            p.setProperty("table.include.list", targets.stream()
                    .map(t -> Pattern.quote(t.database()) + "\\." + TABLE_REGEX).collect(Collectors.joining(",")));
            // when_needed: the first start (no position yet) snapshots, and so does a start whose kept position the
            // server no longer has (binlog purged while the reader was down too long) instead of failing for good
            p.setProperty("snapshot.mode", settings.snapshotExisting() ? "when_needed" : "no_data");
            // no table locks: the tables are only ever created by migrations before the roles start
            p.setProperty("snapshot.locking.mode", "none");
            p.setProperty("include.schema.changes", "false");
            p.setProperty("tombstones.on.delete", "false");
            p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
            p.setProperty("max.batch.size", "1024");
            p.setProperty("connect.keep.alive", "true");
            p.setProperty("errors.max.retries", "-1");
            // a restart between two row events of one huge statement lacks their table map; skip (and log) those rather
            // than stop for good; a reindex repairs the rows
            p.setProperty("event.deserialization.failure.handling.mode", "warn");
            return p;
        }

        @Override
        public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            Map<Long, Map<String, Object>> docs = new LinkedHashMap<>();
            long newest = 0;
            int rows = 0;
            for (RecordChangeEvent<SourceRecord> event : batch) {
                SourceRecord rec = event.record();
                if (rec != null && rec.value() instanceof Struct value && value.schema().field("op") != null) {
                    Map<String, Object> doc = toDoc(value);
                    if (doc != null) {
                        rows++;
                        // a later change of the same row or its sibling row merges over the earlier one
                        docs.computeIfAbsent((Long) doc.get(ReplyDocs.RPID), k -> new LinkedHashMap<>()).putAll(doc);
                        Long ts = sourceMillis(value);
                        if (ts != null) {
                            newest = Math.max(newest, ts);
                        }
                    }
                }
            }
            if (!docs.isEmpty()) {
                write(docs);
            }
            // the batch may end inside one binlog event's rows: those are applied, but the position only moves past
            // whole events, so a restart reads that event again instead of losing the rows after the cut
            int whole = batch.size();
            Object lastEvent = whole == 0 ? null : eventKey(batch.get(whole - 1));
            while (lastEvent != null && whole > 0 && lastEvent.equals(eventKey(batch.get(whole - 1)))) {
                whole--;
            }
            for (int i = 0; i < whole; i++) {
                markProcessed(committer, batch.get(i));
            }
            committer.markBatchFinished();
            records.addAndGet(rows);
            recordsCounter.increment(rows);
            documents.addAndGet(docs.size());
            if (newest > 0 && !docs.isEmpty()) {
                lagMillis.set(Math.max(0, System.currentTimeMillis() - newest));
            }
        }

        /** Writes until the index took every document (or refused it for good); gives up only when closing. */
        private void write(Map<Long, Map<String, Object>> docs) throws InterruptedException {
            long backoff = 100;
            while (true) {
                if (!gate.readLock().tryLock(200, TimeUnit.MILLISECONDS)) {
                    if (closing) {
                        throw new InterruptedException("closing while a reindex runs; the batch is read again later");
                    }
                    continue;
                }
                CommentIndex.BulkOutcome out;
                try {
                    out = index.upsert(docs.values());
                } finally {
                    gate.readLock().unlock();
                }
                if (out.rejected() > 0) {
                    rejectedCounter.increment(out.rejected());
                    log.error("search index refused {} of {} comment documents for good, first: {}", out.rejected(),
                            docs.size(), out.firstError());
                }
                if (!out.needsRetry()) {
                    return;
                }
                retriesCounter.increment();
                if (closing) {
                    throw new InterruptedException("closing before the search index took the batch; read again later");
                }
                log.warn("search index did not take {} comment documents ({}); retrying in {} ms", out.retryable(),
                        out.firstError(), backoff);
                if (out.firstError() != null && out.firstError().contains("index_not_found")) {
                    try {
                        index.ensure();
                    } catch (RuntimeException e) {
                        log.debug("re-creating the search index: {}", e.toString());
                    }
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }

        /**
         * Records the position to resume from. The MySQL connector does not see MariaDB's transaction markers (a
         * MariaDB GTID event opens a transaction where MySQL writes a BEGIN query), so every row event counts as a
         * transaction of its own: the offset is the position after the event plus a count of rows "already done"
         * that a restart skips in the next event, which skipped a change of the next transaction (seen in
         * BinlogIndexerIT). The counts are dropped, and {@link #handleBatch} only marks whole events, so a restart
         * resumes right after the last event whose every row reached the index.
         */
        private void markProcessed(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
                                   RecordChangeEvent<SourceRecord> event) throws InterruptedException {
            SourceRecord rec = event.record();
            Map<String, ?> offset = rec == null ? null : rec.sourceOffset();
            if (offset == null || offset.containsKey("snapshot") || !offset.containsKey("pos")) {
                committer.markProcessed(event);
                return;
            }
            DebeziumEngine.Offsets o = committer.buildOffsets();
            for (Map.Entry<String, ?> e : offset.entrySet()) {
                if (!e.getKey().equals("event") && !e.getKey().equals("row")) {
                    o.set(e.getKey(), e.getValue());
                }
            }
            committer.markProcessed(event, o);
        }

        /** The binlog event a streamed record came from (its file and resume position); null for snapshot rows. */
        private static Object eventKey(RecordChangeEvent<SourceRecord> event) {
            SourceRecord rec = event.record();
            Map<String, ?> offset = rec == null ? null : rec.sourceOffset();
            if (offset == null || offset.containsKey("snapshot") || !offset.containsKey("pos")) {
                return null;
            }
            return offset.get("file") + ":" + offset.get("pos");
        }

        @Override
        public boolean supportsTombstoneEvents() {
            return false;
        }
    }

    /** The partial document a change event sets, or null when it is not about a comment row. */
    static Map<String, Object> toDoc(Struct value) {
        String op = value.getString("op");
        Struct source = value.getStruct("source");
        String table = source == null ? null : source.getString("table");
        if (table == null || op == null) {
            return null;
        }
        boolean indexRow = INDEX_TABLE.matcher(table).matches();
        boolean contentRow = CONTENT_TABLE.matcher(table).matches();
        if (!indexRow && !contentRow) {
            return null;
        }
        switch (op) {
            case "c", "u", "r" -> {
                Struct after = value.getStruct("after");
                if (after == null) {
                    return null;
                }
                Map<String, Object> row = columns(after);
                return indexRow ? ReplyDocs.fromIndexRow(row) : ReplyDocs.fromContentRow(row);
            }
            case "d" -> {
                Struct before = value.getStruct("before");
                if (before == null || !indexRow) {
                    return null; // a content row without its index row is no comment; nothing to take back
                }
                return ReplyDocs.indexRowGone(ReplyDocs.asLong(before.get("rpid")));
            }
            default -> {
                return null; // truncate, messages
            }
        }
    }

    /** A row's columns as Java values; Debezium's time encodings become {@link Instant}s (DATETIME is UTC here). */
    static Map<String, Object> columns(Struct row) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : row.schema().fields()) {
            Object v = row.get(f);
            m.put(f.name(), time(f.schema(), v));
        }
        return m;
    }

    private static Object time(Schema schema, Object v) {
        if (v == null || schema.name() == null) {
            return v;
        }
        return switch (schema.name()) {
            case "io.debezium.time.Timestamp" -> Instant.ofEpochMilli(((Number) v).longValue());
            case "io.debezium.time.MicroTimestamp" -> Instant.EPOCH.plus(((Number) v).longValue(),
                    java.time.temporal.ChronoUnit.MICROS);
            case "io.debezium.time.NanoTimestamp" -> Instant.EPOCH.plusNanos(((Number) v).longValue());
            case "io.debezium.time.ZonedTimestamp" -> Instant.parse(v.toString());
            case "org.apache.kafka.connect.data.Timestamp" -> ((java.util.Date) v).toInstant();
            default -> v;
        };
    }

    private static Long sourceMillis(Struct value) {
        Struct source = value.getStruct("source");
        if (source == null || source.schema().field("ts_ms") == null) {
            return null;
        }
        Object ts = source.get("ts_ms");
        return ts instanceof Number n && n.longValue() > 0 ? n.longValue() : null;
    }

    private void sleepQuietly(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closing && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
