/**
 * The comment search index: MariaDB binlog -> Debezium embedded -> OpenSearch, and the reindex from the tables.
 *
 * <h2>Index</h2>
 * Alias {@code plaza-comments} (configurable) over one concrete index {@code plaza-comments-initial} or
 * {@code plaza-comments-<millis>} (after a reindex). One document per comment, id = rpid: {@code rpid, oid, type,
 * mid, root, parent, dialog, floor, state, attrs, like, hate} (numbers), {@code message} (text, standard analyzer,
 * plus {@code message.keyword}, ignore_above 256) and {@code ctime} (epoch millis). Strict mappings. A document merges
 * two rows that reach the index separately: the {@code reply_index_NN} row and the {@code reply_content_NN} row;
 * searches only return documents whose index row has arrived ({@code state} exists). Rows are soft-deleted; a row
 * removed for real from {@code reply_index_NN} is indexed as state 2 (deleted).
 *
 * <h2>Binlog reader ({@link dev.plaza.comment.data.search.BinlogIndexer})</h2>
 * Debezium 3.6.1 embedded, one engine per database server, following {@code reply_(index|content)_N} in the
 * configured databases. Offsets and schema history are files in {@code <dataDir>/binlog}, named after the databases.
 * First start: snapshot of the existing rows ({@code snapshot.mode=when_needed}), then the binlog. A batch is written
 * with one bulk of partial upserts ({@code doc_as_upsert}, {@code require_alias}); its position is kept only after
 * OpenSearch took it; failures are retried with backoff (the binlog waits). A reindex pauses the reader.
 * Measured here: insert or edit in MariaDB to searchable in about 1 s.
 *
 * <h2>Departures from the plan, and why</h2>
 * <ul>
 *   <li><b>MySQL connector on MariaDB.</b> {@code debezium-connector-mariadb} is not served at 3.6.1 (the newest
 *   served is 3.5.0.Final). Debezium 3.5.0 does not run on Kafka Connect 4.4 ({@code NoSuchMethodError:
 *   'java.util.List org.apache.kafka.connect.runtime.rest.entities.ConfigInfos.values()'}), and Connect must match
 *   our kafka-clients 4.4.0. So the MySQL connector 3.6.1 reads MariaDB's binlog, with two adaptations:
 *   <ol>
 *     <li>it asks {@code SHOW BINARY LOG STATUS} and refuses servers whose version is >= 8.4 when that fails
 *     ("MySQL version 10.11.5-MariaDB-log should support SHOW BINARY LOG STATUS but it failed");
 *     {@link dev.plaza.comment.data.search.MariaDbCompatDriver} (given as {@code database.jdbc.driver}) sends
 *     {@code SHOW MASTER STATUS} instead. (Connector/J query interceptors cannot do it: Debezium strips
 *     {@code queryInterceptors}.)</li>
 *     <li>it does not see MariaDB's transaction markers (MariaDB opens a transaction with a GTID event, MySQL with a
 *     BEGIN query), so its resume offsets (event + "rows to skip") skipped a change after a restart. The indexer
 *     keeps only "after the last whole event" positions; a restart re-reads at most one event (harmless: changes set
 *     absolute values). Residual gap: a restart between two row events of one statement larger than
 *     {@code binlog_row_event_max_size} (8 KB of rows) finds the second without its table map; the connector logs
 *     and skips it ({@code event.deserialization.failure.handling.mode=warn}) and a reindex repairs it.</li>
 *   </ol></li>
 *   <li><b>Kafka 4.4 moved {@code org.apache.kafka.common.utils.Sanitizer}</b> to {@code ...utils.internals}; Debezium
 *   3.6.1 (built on Kafka 4.3) calls the old name when naming its JMX metrics and its task fails with
 *   {@code NoClassDefFoundError}. A delegating shim of that one class lives in this module
 *   ({@code org.apache.kafka.common.utils.Sanitizer}); a scan of every Kafka class and member Debezium 3.6.1
 *   references found nothing else missing from Kafka 4.4.0. Delete the shim (and the two adaptations above) when a
 *   Debezium release built on Kafka 4.4 with a MariaDB connector is served.</li>
 * </ul>
 *
 * <h2>Reindex ({@link dev.plaza.comment.data.search.Reindexer})</h2>
 * Creates a new concrete index (refresh off), copies every {@code reply_index_NN} table in rpid order (pages of
 * 1000, each joined with its content rows), then switches the alias and drops the old index in one alias update.
 * The binlog reader is paused for the duration, so changes made meanwhile are applied after the switch, in order.
 */
package dev.plaza.comment.data.search;
