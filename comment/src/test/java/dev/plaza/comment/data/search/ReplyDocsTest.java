package dev.plaza.comment.data.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.comment.admin.CommentDoc;
import dev.plaza.comment.biz.ReplyState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyDocsTest {
    private static final Instant T = Instant.parse("2026-03-01T08:00:00.123Z");

    private static Map<String, Object> indexRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rpid", 77L);
        row.put("oid", 9L);
        row.put("type", 1);
        row.put("mid", 5L);
        row.put("root", 70L);
        row.put("parent", 71L);
        row.put("dialog", 71L);
        row.put("floor", 12);
        row.put("count", 3);
        row.put("rcount", 2);
        row.put("like", 4);
        row.put("hate", (short) 1);
        row.put("state", (short) ReplyState.PENDING);
        row.put("attrs", 2);
        row.put("ctime", T);
        row.put("mtime", T.plusSeconds(5));
        return row;
    }

    @Test
    void anIndexRowSetsTheCommentsPlaceStateAndCountersButNotTheMessage() {
        Map<String, Object> doc = ReplyDocs.fromIndexRow(indexRow());
        assertThat(doc).containsEntry("rpid", 77L).containsEntry("oid", 9L).containsEntry("type", 1)
                .containsEntry("mid", 5L).containsEntry("root", 70L).containsEntry("parent", 71L)
                .containsEntry("dialog", 71L).containsEntry("floor", 12).containsEntry("like", 4)
                .containsEntry("hate", 1).containsEntry("state", ReplyState.PENDING).containsEntry("attrs", 2)
                .containsEntry("ctime", T.toEpochMilli());
        assertThat(doc).doesNotContainKeys("message", "count", "rcount", "mtime");
    }

    @Test
    void aContentRowSetsTheMessageAndSubjectOnly() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rpid", 77L);
        row.put("oid", 9L);
        row.put("type", 1);
        row.put("message", "  exactly as written <b>  ");
        row.put("ip", "1.2.3.4");
        row.put("ctime", T);
        Map<String, Object> doc = ReplyDocs.fromContentRow(row);
        assertThat(doc).containsOnlyKeys("rpid", "oid", "type", "message");
        assertThat(doc.get("message")).isEqualTo("  exactly as written <b>  ");
    }

    @Test
    void aRemovedIndexRowReadsAsDeleted() {
        assertThat(ReplyDocs.indexRowGone(5)).containsOnlyKeys("rpid", "state").containsEntry("state", ReplyState.DELETED);
    }

    @Test
    void mergedPartsReadBackAsOneComment() throws Exception {
        Map<String, Object> merged = new LinkedHashMap<>(ReplyDocs.fromIndexRow(indexRow()));
        merged.put("message", "hi");
        CommentDoc d = ReplyDocs.toDoc(new ObjectMapper().valueToTree(merged));
        assertThat(d).isEqualTo(new CommentDoc(77, 9, 1, 5, 70, 71, 71, 12, ReplyState.PENDING, 2, 4, 1, "hi", T));
    }

    @Test
    void aContentOnlyDocumentHasNoTime() {
        CommentDoc d = ReplyDocs.toDoc(new ObjectMapper().valueToTree(Map.of("rpid", 1, "message", "m")));
        assertThat(d.ctime()).isNull();
        assertThat(d.oid()).isZero();
    }
}
