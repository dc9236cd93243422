package dev.plaza.comment.data.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.SubjectKey;
import java.time.Instant;
import java.util.List;

/**
 * A comment entry ({@code c:c:{rpid}}) as compact JSON with one-letter-ish names: readable with redis-cli, about
 * 150 bytes plus the message. Unknown fields are ignored, so entries written by a newer version still read.
 */
final class ReplyCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_DEFAULT);

    /** The stored shape; times in Unix milliseconds. */
    record Entry(long id, int t, long o, long m, long r, long p, long d, int f, int c, int rc, int l, int h, int s,
                 int a, long ct, String msg, List<Long> at, String ip, String pl, String dv, long cct) {
    }

    private ReplyCodec() {
    }

    static String encode(Reply reply) {
        ReplyIndex i = reply.index();
        ReplyContent c = reply.content();
        Entry e = new Entry(i.rpid(), i.key().type(), i.key().oid(), i.mid(), i.root(), i.parent(), i.dialog(),
                i.floor(), i.count(), i.rcount(), i.like(), i.hate(), i.state(), i.attrs(), millis(i.ctime()),
                c.message(), c.atMids().isEmpty() ? null : c.atMids(), empty(c.ip()), empty(c.platform()),
                empty(c.device()), millis(c.ctime()));
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("comment " + i.rpid() + " not serializable", ex);
        }
    }

    static Reply decode(String json) {
        Entry e;
        try {
            e = JSON.readValue(json, Entry.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("unreadable comment entry", ex);
        }
        ReplyIndex index = new ReplyIndex(e.id(), new SubjectKey(e.t(), e.o()), e.m(), e.r(), e.p(), e.d(), e.f(),
                e.c(), e.rc(), e.l(), e.h(), e.s(), e.a(), Instant.ofEpochMilli(e.ct()));
        ReplyContent content = new ReplyContent(e.id(), e.msg() == null ? "" : e.msg(),
                e.at() == null ? List.of() : e.at(), nz(e.ip()), nz(e.pl()), nz(e.dv()),
                Instant.ofEpochMilli(e.cct() != 0 ? e.cct() : e.ct()));
        return new Reply(index, content);
    }

    private static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }

    private static String empty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
