package dev.plaza.comment.data.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaza.comment.admin.CommentDoc;
import dev.plaza.comment.biz.ReplyState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one mapping from table rows to search documents, used by the binlog indexer (rows decoded from change events)
 * and the reindexer (rows read with JDBC). A document is keyed by rpid and merges two rows: the index row
 * ({@code reply_index_NN}: where the comment sits, its counters and state) and the content row
 * ({@code reply_content_NN}: the message). Either may arrive first, so each is a partial document.
 */
final class ReplyDocs {
    static final String RPID = "rpid";
    static final String OID = "oid";
    static final String TYPE = "type";
    static final String MID = "mid";
    static final String ROOT = "root";
    static final String PARENT = "parent";
    static final String DIALOG = "dialog";
    static final String FLOOR = "floor";
    static final String STATE = "state";
    static final String ATTRS = "attrs";
    static final String LIKE = "like";
    static final String HATE = "hate";
    static final String MESSAGE = "message";
    /** Epoch milliseconds. */
    static final String CTIME = "ctime";

    /** Index-row columns copied as they are. */
    private static final String[] INDEX_LONGS = {OID, MID, ROOT, PARENT, DIALOG};
    private static final String[] INDEX_INTS = {TYPE, FLOOR, STATE, ATTRS, LIKE, HATE};

    private ReplyDocs() {
    }

    /** The fields an index row sets. {@code row}: column name -> value (numbers, and ctime as an {@link Instant}). */
    static Map<String, Object> fromIndexRow(Map<String, Object> row) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(RPID, asLong(row.get(RPID)));
        for (String f : INDEX_LONGS) {
            if (row.get(f) != null) {
                doc.put(f, asLong(row.get(f)));
            }
        }
        for (String f : INDEX_INTS) {
            if (row.get(f) != null) {
                doc.put(f, (int) asLong(row.get(f)));
            }
        }
        Object ctime = row.get(CTIME);
        if (ctime instanceof Instant t) {
            doc.put(CTIME, t.toEpochMilli());
        }
        return doc;
    }

    /** The fields a content row sets: the message (and the subject, which content rows carry too). */
    static Map<String, Object> fromContentRow(Map<String, Object> row) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(RPID, asLong(row.get(RPID)));
        if (row.get(OID) != null) {
            doc.put(OID, asLong(row.get(OID)));
        }
        if (row.get(TYPE) != null) {
            doc.put(TYPE, (int) asLong(row.get(TYPE)));
        }
        Object m = row.get(MESSAGE);
        doc.put(MESSAGE, m == null ? "" : m.toString());
        return doc;
    }

    /** What a deleted index row leaves: rows are soft-deleted, so a physically removed one reads as deleted. */
    static Map<String, Object> indexRowGone(long rpid) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(RPID, rpid);
        doc.put(STATE, ReplyState.DELETED);
        return doc;
    }

    static CommentDoc toDoc(JsonNode s) {
        JsonNode ctime = s.get(CTIME);
        return new CommentDoc(s.path(RPID).asLong(), s.path(OID).asLong(), s.path(TYPE).asInt(), s.path(MID).asLong(),
                s.path(ROOT).asLong(), s.path(PARENT).asLong(), s.path(DIALOG).asLong(), s.path(FLOOR).asInt(),
                s.path(STATE).asInt(), s.path(ATTRS).asInt(), s.path(LIKE).asInt(), s.path(HATE).asInt(),
                s.path(MESSAGE).asText(""),
                ctime == null || ctime.isNull() ? null : Instant.ofEpochMilli(ctime.asLong()));
    }

    static long asLong(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("not a number: " + v);
    }
}
