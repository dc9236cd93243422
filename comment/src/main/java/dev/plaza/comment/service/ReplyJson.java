package dev.plaza.comment.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import dev.plaza.api.comment.v1.ReplyInfo;
import dev.plaza.comment.biz.Member;
import java.io.IOException;
import java.util.Map;

/**
 * A comment in Bilibili's shape, written field by field to the response's generator. A page is 20 comments of about
 * 30 fields each, with their first replies: building maps for them and letting Jackson look up a serializer per
 * value cost more than everything else the read path does (measured with JFR under CommentBench), so the shape is
 * spelled out here once. Ids are also sent as strings ({@code *_str}): JavaScript loses digits past 2^53.
 */
final class ReplyJson implements JsonSerializable {
    // field names encoded once: the generator copies their quoted bytes instead of escaping them per answer
    private static final SerializedString RPID = new SerializedString("rpid");
    private static final SerializedString RPID_STR = new SerializedString("rpid_str");
    private static final SerializedString OID = new SerializedString("oid");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString MID = new SerializedString("mid");
    private static final SerializedString ROOT = new SerializedString("root");
    private static final SerializedString ROOT_STR = new SerializedString("root_str");
    private static final SerializedString PARENT = new SerializedString("parent");
    private static final SerializedString PARENT_STR = new SerializedString("parent_str");
    private static final SerializedString DIALOG = new SerializedString("dialog");
    private static final SerializedString DIALOG_STR = new SerializedString("dialog_str");
    private static final SerializedString COUNT = new SerializedString("count");
    private static final SerializedString RCOUNT = new SerializedString("rcount");
    private static final SerializedString FLOOR = new SerializedString("floor");
    private static final SerializedString STATE = new SerializedString("state");
    private static final SerializedString ATTR = new SerializedString("attr");
    private static final SerializedString LIKE = new SerializedString("like");
    private static final SerializedString ACTION = new SerializedString("action");
    private static final SerializedString CTIME = new SerializedString("ctime");
    private static final SerializedString MESSAGE = new SerializedString("message");
    private static final SerializedString PLAT = new SerializedString("plat");
    private static final SerializedString DEVICE = new SerializedString("device");
    private static final SerializedString UNAME = new SerializedString("uname");
    private static final SerializedString AVATAR = new SerializedString("avatar");
    private static final SerializedString CONTENT = new SerializedString("content");
    private static final SerializedString MEMBERS = new SerializedString("members");
    private static final SerializedString REPLIES = new SerializedString("replies");
    private static final SerializedString MEMBER = new SerializedString("member");

    private final ReplyInfo r;
    private final Map<Long, Member> who;

    ReplyJson(ReplyInfo r, Map<Long, Member> who) {
        this.r = r;
        this.who = who;
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
        write(g, r);
    }

    @Override
    public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer)
            throws IOException {
        write(g, r);
    }

    private void write(JsonGenerator g, ReplyInfo r) throws IOException {
        g.writeStartObject();
        g.writeFieldName(RPID);
        g.writeNumber(r.getRpid());
        g.writeFieldName(RPID_STR);
        g.writeString(Long.toString(r.getRpid()));
        g.writeFieldName(OID);
        g.writeNumber(r.getOid());
        g.writeFieldName(TYPE);
        g.writeNumber(r.getType());
        g.writeFieldName(MID);
        g.writeNumber(r.getMid());
        g.writeFieldName(ROOT);
        g.writeNumber(r.getRoot());
        g.writeFieldName(ROOT_STR);
        g.writeString(Long.toString(r.getRoot()));
        g.writeFieldName(PARENT);
        g.writeNumber(r.getParent());
        g.writeFieldName(PARENT_STR);
        g.writeString(Long.toString(r.getParent()));
        g.writeFieldName(DIALOG);
        g.writeNumber(r.getDialog());
        g.writeFieldName(DIALOG_STR);
        g.writeString(Long.toString(r.getDialog()));
        g.writeFieldName(COUNT);
        g.writeNumber(r.getCount());
        g.writeFieldName(RCOUNT);
        g.writeNumber(r.getRcount());
        g.writeFieldName(FLOOR);
        g.writeNumber(r.getFloor());
        g.writeFieldName(STATE);
        g.writeNumber(r.getState());
        g.writeFieldName(ATTR);
        g.writeNumber(r.getAttr());
        g.writeFieldName(LIKE);
        g.writeNumber(r.getLike());
        g.writeFieldName(ACTION);
        g.writeNumber(r.getAction());
        g.writeFieldName(CTIME);
        g.writeNumber(r.getCtime());
        g.writeFieldName(MEMBER);
        member(g, r.getMid());
        g.writeFieldName(CONTENT);
        g.writeStartObject();
        g.writeFieldName(MESSAGE);
        g.writeString(r.getMessage());
        g.writeFieldName(PLAT);
        g.writeNumber(0);
        g.writeFieldName(DEVICE);
        g.writeString("");
        g.writeFieldName(MEMBERS);
        g.writeStartArray();
        for (long mid : r.getAtMidsList()) {
            member(g, mid);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeFieldName(REPLIES);
        g.writeStartArray();
        for (ReplyInfo child : r.getRepliesList()) {
            write(g, child);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void member(JsonGenerator g, long mid) throws IOException {
        Member m = who.getOrDefault(mid, Member.unknown(mid));
        g.writeStartObject();
        g.writeFieldName(MID);
        g.writeString(Long.toString(mid)); // a string, as Bilibili sends it
        g.writeFieldName(UNAME);
        g.writeString(m.name());
        g.writeFieldName(AVATAR);
        g.writeString(m.face());
        g.writeEndObject();
    }
}
