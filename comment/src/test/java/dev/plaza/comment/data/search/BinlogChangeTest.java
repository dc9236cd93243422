package dev.plaza.comment.data.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.comment.biz.ReplyState;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Change events in the shape Debezium's MySQL connector emits them (Connect structs), decoded into documents. */
class BinlogChangeTest {
    private static final Instant T = Instant.parse("2026-03-01T08:00:00.123Z");
    private static final Schema TIMESTAMP = SchemaBuilder.int64().name("io.debezium.time.Timestamp").build();
    private static final Schema INDEX_ROW = SchemaBuilder.struct()
            .field("rpid", Schema.INT64_SCHEMA).field("oid", Schema.INT64_SCHEMA).field("type", Schema.INT32_SCHEMA)
            .field("mid", Schema.INT64_SCHEMA).field("root", Schema.INT64_SCHEMA).field("parent", Schema.INT64_SCHEMA)
            .field("dialog", Schema.INT64_SCHEMA).field("floor", Schema.INT32_SCHEMA).field("like", Schema.INT32_SCHEMA)
            .field("hate", Schema.INT32_SCHEMA).field("state", Schema.INT16_SCHEMA).field("attrs", Schema.INT32_SCHEMA)
            .field("ctime", TIMESTAMP).optional().build();
    private static final Schema CONTENT_ROW = SchemaBuilder.struct()
            .field("rpid", Schema.INT64_SCHEMA).field("oid", Schema.INT64_SCHEMA).field("type", Schema.INT32_SCHEMA)
            .field("message", Schema.STRING_SCHEMA)
            .field("ctime", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build()).optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();

    private static Struct envelope(Schema row, String table, String op, Struct before, Struct after) {
        Schema schema = SchemaBuilder.struct().field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        return new Struct(schema).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("db", "plaza_comment").put("table", table).put("ts_ms", 1L))
                .put("op", op);
    }

    private static Struct indexRow(int state) {
        return new Struct(INDEX_ROW).put("rpid", 7L).put("oid", 9L).put("type", 1).put("mid", 5L).put("root", 0L)
                .put("parent", 0L).put("dialog", 0L).put("floor", 3).put("like", 2).put("hate", 0)
                .put("state", (short) state).put("attrs", 0).put("ctime", T.toEpochMilli());
    }

    @Test
    void insertsUpdatesAndSnapshotReadsOfIndexRowsSetTheIndexFields() {
        for (String op : new String[] {"c", "u", "r"}) {
            Map<String, Object> doc = BinlogIndexer.toDoc(envelope(INDEX_ROW, "reply_index_09", op, null,
                    indexRow(ReplyState.HIDDEN)));
            assertThat(doc).containsEntry("rpid", 7L).containsEntry("state", ReplyState.HIDDEN)
                    .containsEntry("ctime", T.toEpochMilli()).containsEntry("floor", 3).doesNotContainKey("message");
        }
    }

    @Test
    void contentRowsSetTheMessage() {
        Struct after = new Struct(CONTENT_ROW).put("rpid", 7L).put("oid", 9L).put("type", 1).put("message", "新的")
                .put("ctime", T.toEpochMilli() * 1000);
        Map<String, Object> doc = BinlogIndexer.toDoc(envelope(CONTENT_ROW, "reply_content_123", "u", null, after));
        assertThat(doc).containsEntry("rpid", 7L).containsEntry("message", "新的").doesNotContainKey("state");
    }

    @Test
    void deletingAnIndexRowMarksTheCommentDeletedAndContentDeletesAreIgnored() {
        assertThat(BinlogIndexer.toDoc(envelope(INDEX_ROW, "reply_index_09", "d", indexRow(0), null)))
                .containsEntry("rpid", 7L).containsEntry("state", ReplyState.DELETED);
        Struct content = new Struct(CONTENT_ROW).put("rpid", 7L).put("oid", 9L).put("type", 1).put("message", "x")
                .put("ctime", 0L);
        assertThat(BinlogIndexer.toDoc(envelope(CONTENT_ROW, "reply_content_09", "d", content, null))).isNull();
    }

    @Test
    void otherTablesAndOperationsAreNotComments() {
        assertThat(BinlogIndexer.toDoc(envelope(INDEX_ROW, "subject_09", "c", null, indexRow(0)))).isNull();
        assertThat(BinlogIndexer.toDoc(envelope(INDEX_ROW, "reply_action_09", "c", null, indexRow(0)))).isNull();
        assertThat(BinlogIndexer.toDoc(envelope(INDEX_ROW, "reply_index_09", "t", null, null))).isNull();
    }

    @Test
    void debeziumTimeEncodingsBecomeInstants() {
        Struct after = new Struct(CONTENT_ROW).put("rpid", 7L).put("oid", 9L).put("type", 1).put("message", "m")
                .put("ctime", T.toEpochMilli() * 1000 + 456);
        assertThat(BinlogIndexer.columns(after).get("ctime")).isEqualTo(T.plusNanos(456_000));
        assertThat(BinlogIndexer.columns(indexRow(0)).get("ctime")).isEqualTo(T);
    }
}
