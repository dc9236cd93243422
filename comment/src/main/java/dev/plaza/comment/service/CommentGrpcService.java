package dev.plaza.comment.service;

import dev.plaza.api.comment.v1.ActionReply;
import dev.plaza.api.comment.v1.CommentGrpc;
import dev.plaza.api.comment.v1.CountReply;
import dev.plaza.api.comment.v1.CountRequest;
import dev.plaza.api.comment.v1.DeleteRequest;
import dev.plaza.api.comment.v1.GetReplyRequest;
import dev.plaza.api.comment.v1.LikeRequest;
import dev.plaza.api.comment.v1.ListRepliesReply;
import dev.plaza.api.comment.v1.ListRepliesRequest;
import dev.plaza.api.comment.v1.ListRootsReply;
import dev.plaza.api.comment.v1.ListRootsRequest;
import dev.plaza.api.comment.v1.PinRequest;
import dev.plaza.api.comment.v1.PostReply;
import dev.plaza.api.comment.v1.PostRequest;
import dev.plaza.api.comment.v1.ReplyInfo;
import dev.plaza.api.comment.v1.ScrollRootsReply;
import dev.plaza.api.comment.v1.ScrollRootsRequest;
import dev.plaza.api.comment.v1.SetClosedRequest;
import dev.plaza.comment.biz.CommentErrors;
import dev.plaza.comment.biz.CommentReadUsecase;
import dev.plaza.comment.biz.CommentRules;
import dev.plaza.comment.biz.CommentUsecase;
import dev.plaza.comment.biz.NewPost;
import dev.plaza.comment.biz.PostResult;
import dev.plaza.comment.biz.ReplyNode;
import dev.plaza.comment.biz.ReplyPage;
import dev.plaza.comment.biz.RootPage;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.SubjectKey;
import io.grpc.stub.StreamObserver;

/**
 * The comment service role over gRPC. Errors thrown here (PlazaError) leave as Status + ErrorInfo through the kit's
 * {@code RpcServer} interceptors. Zero means "default" for paging fields (pn 1, ps 20), as proto3 cannot tell unset
 * from 0.
 */
public final class CommentGrpcService extends CommentGrpc.CommentImplBase {
    private static final ActionReply DONE = ActionReply.getDefaultInstance();

    private final CommentUsecase writes;
    private final CommentReadUsecase reads;

    public CommentGrpcService(CommentUsecase writes, CommentReadUsecase reads) {
        this.writes = writes;
        this.reads = reads;
    }

    @Override
    public void post(PostRequest r, StreamObserver<PostReply> out) {
        SubjectKey key = CommentInfos.key(r.getType(), r.getOid());
        PostResult result = writes.post(new NewPost(key, r.getMid(), r.getMessage(), r.getRoot(), r.getParent(),
                r.getIp(), r.getPlatform(), r.getDevice()));
        out.onNext(PostReply.newBuilder().setRpid(result.reply().rpid())
                .setReply(CommentInfos.reply(result.reply())).setPendingReview(result.pendingReview()).build());
        out.onCompleted();
    }

    @Override
    public void like(LikeRequest r, StreamObserver<ActionReply> out) {
        act(r, CommentUsecase.KIND_LIKE, out);
    }

    @Override
    public void hate(LikeRequest r, StreamObserver<ActionReply> out) {
        act(r, CommentUsecase.KIND_HATE, out);
    }

    private void act(LikeRequest r, int kind, StreamObserver<ActionReply> out) {
        SubjectKey key = CommentInfos.key(r.getType(), r.getOid());
        writes.act(key, r.getRpid(), r.getMid(), kind, zeroOrOne("action", r.getAction()));
        out.onNext(DONE);
        out.onCompleted();
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<ActionReply> out) {
        writes.delete(CommentInfos.key(r.getType(), r.getOid()), r.getRpid(), r.getMid(), r.getAdmin());
        out.onNext(DONE);
        out.onCompleted();
    }

    @Override
    public void pin(PinRequest r, StreamObserver<ActionReply> out) {
        writes.pin(CommentInfos.key(r.getType(), r.getOid()), r.getRpid(), r.getMid(), r.getAdmin(),
                zeroOrOne("action", r.getAction()));
        out.onNext(DONE);
        out.onCompleted();
    }

    @Override
    public void setClosed(SetClosedRequest r, StreamObserver<ActionReply> out) {
        writes.setClosed(CommentInfos.key(r.getType(), r.getOid()), r.getMid(), r.getAdmin(), r.getClosed());
        out.onNext(DONE);
        out.onCompleted();
    }

    @Override
    public void listRoots(ListRootsRequest r, StreamObserver<ListRootsReply> out) {
        SubjectKey key = CommentInfos.key(r.getType(), r.getOid());
        Sort sort = sort(r.getSort());
        RootPage page = reads.listRoots(key, sort, pn(r.getPn()), ps(r.getPs()), r.getMid());
        ListRootsReply.Builder b = ListRootsReply.newBuilder().setSubject(CommentInfos.subject(page.subject()));
        for (ReplyNode n : page.replies()) {
            b.addReplies(CommentInfos.reply(n));
        }
        page.top().ifPresent(t -> b.setTop(CommentInfos.reply(t)));
        out.onNext(b.build());
        out.onCompleted();
    }

    /**
     * Cursor mode: {@code next} is the page to read (0 = the first), answered with the following one. Mode 2 is
     * time order, 3 (and Bilibili's 0 and 1) hot order.
     */
    @Override
    public void scrollRoots(ScrollRootsRequest r, StreamObserver<ScrollRootsReply> out) {
        SubjectKey key = CommentInfos.key(r.getType(), r.getOid());
        Sort sort = switch (r.getMode()) {
            case 0, 1, 3 -> Sort.HOT;
            case 2 -> Sort.TIME;
            default -> throw CommentErrors.badParameter("mode", "must be 2 (time) or 3 (hot)");
        };
        if (r.getNext() < 0 || r.getNext() > CommentRules.PAGE_NUMBER_MAX) {
            throw CommentErrors.badParameter("next", "must be 0 to " + CommentRules.PAGE_NUMBER_MAX);
        }
        int page = r.getNext() == 0 ? 1 : (int) r.getNext();
        RootPage p = reads.listRoots(key, sort, page, ps(r.getPs()), r.getMid());
        ScrollRootsReply.Builder b = ScrollRootsReply.newBuilder().setSubject(CommentInfos.subject(p.subject()))
                .setNext(Math.min(page + 1, CommentRules.PAGE_NUMBER_MAX)).setIsBegin(page == 1)
                .setIsEnd(!p.hasMore() || page >= CommentRules.PAGE_NUMBER_MAX);
        for (ReplyNode n : p.replies()) {
            b.addReplies(CommentInfos.reply(n));
        }
        p.top().ifPresent(t -> b.setTop(CommentInfos.reply(t)));
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void listReplies(ListRepliesRequest r, StreamObserver<ListRepliesReply> out) {
        SubjectKey key = CommentInfos.key(r.getType(), r.getOid());
        ReplyPage page = reads.listReplies(key, r.getRoot(), pn(r.getPn()), ps(r.getPs()), r.getMid());
        ListRepliesReply.Builder b = ListRepliesReply.newBuilder().setSubject(CommentInfos.subject(page.subject()))
                .setRoot(CommentInfos.reply(page.root()));
        for (ReplyNode n : page.replies()) {
            b.addReplies(CommentInfos.reply(n));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void count(CountRequest r, StreamObserver<CountReply> out) {
        out.onNext(CountReply.newBuilder().setCount(reads.count(CommentInfos.key(r.getType(), r.getOid()))).build());
        out.onCompleted();
    }

    @Override
    public void getReply(GetReplyRequest r, StreamObserver<ReplyInfo> out) {
        out.onNext(CommentInfos.reply(reads.getReply(CommentInfos.key(r.getType(), r.getOid()), r.getRpid())));
        out.onCompleted();
    }

    private static Sort sort(int code) {
        try {
            return Sort.of(code);
        } catch (IllegalArgumentException e) {
            throw CommentErrors.badParameter("sort", "must be 0 (time), 1 (likes), 2 (replies) or 3 (hot)");
        }
    }

    private static int pn(int pn) {
        return pn == 0 ? 1 : pn;
    }

    private static int ps(int ps) {
        return ps == 0 ? CommentRules.PAGE_SIZE_DEFAULT : ps;
    }

    private static boolean zeroOrOne(String name, int v) {
        if (v != 0 && v != 1) {
            throw CommentErrors.badParameter(name, "must be 0 or 1");
        }
        return v == 1;
    }
}
