package dev.plaza.comment.service;

import dev.plaza.api.comment.v1.ReplyInfo;
import dev.plaza.api.comment.v1.SubjectInfo;
import dev.plaza.comment.biz.CommentErrors;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyNode;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;

/** Domain objects to the gRPC contract's messages. */
final class CommentInfos {
    private CommentInfos() {
    }

    static SubjectKey key(int type, long oid) {
        if (type <= 0) {
            throw CommentErrors.badParameter("type", "must be positive");
        }
        if (oid <= 0) {
            throw CommentErrors.badParameter("oid", "must be positive");
        }
        return new SubjectKey(type, oid);
    }

    static SubjectInfo subject(Subject s) {
        return SubjectInfo.newBuilder()
                .setOid(s.key().oid()).setType(s.key().type()).setOwnerMid(s.ownerMid())
                .setRootCount(s.rootCount()).setAllCount(s.allCount()).setFloorCount(s.floorCount())
                .setState(s.state()).setAttrs(s.attrs()).setTopRpid(s.topRpid()).setClosed(s.closed())
                .build();
    }

    static ReplyInfo reply(ReplyNode n) {
        ReplyInfo.Builder b = builder(n.reply()).setAction(n.action());
        for (ReplyNode kid : n.replies()) {
            b.addReplies(reply(kid));
        }
        return b.build();
    }

    static ReplyInfo reply(Reply r) {
        return builder(r).build();
    }

    private static ReplyInfo.Builder builder(Reply r) {
        ReplyIndex i = r.index();
        return ReplyInfo.newBuilder()
                .setRpid(i.rpid()).setOid(i.key().oid()).setType(i.key().type()).setMid(i.mid())
                .setRoot(i.root()).setParent(i.parent()).setDialog(i.dialog())
                .setCount(i.count()).setRcount(i.rcount()).setFloor(i.floor()).setState(i.state())
                .setAttr(i.attrs()).setLike(i.like()).setHate(i.hate())
                .setCtime(i.ctime() == null ? 0 : i.ctime().getEpochSecond())
                .setMessage(r.content().message()).addAllAtMids(r.content().atMids());
    }
}
