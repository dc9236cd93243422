package dev.plaza.history.service;

import dev.plaza.api.history.v1.ClearReply;
import dev.plaza.api.history.v1.ClearRequest;
import dev.plaza.api.history.v1.DeleteReply;
import dev.plaza.api.history.v1.DeleteRequest;
import dev.plaza.api.history.v1.GetPauseRequest;
import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.api.history.v1.HistoryRecordMsg;
import dev.plaza.api.history.v1.ListReply;
import dev.plaza.api.history.v1.ListRequest;
import dev.plaza.api.history.v1.PauseReply;
import dev.plaza.api.history.v1.ProgressReply;
import dev.plaza.api.history.v1.ProgressRequest;
import dev.plaza.api.history.v1.ReportReply;
import dev.plaza.api.history.v1.ReportRequest;
import dev.plaza.api.history.v1.SetPauseRequest;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryErrors;
import dev.plaza.history.biz.HistoryMessages;
import dev.plaza.history.biz.HistoryPage;
import dev.plaza.history.biz.HistoryUsecase;
import dev.plaza.history.biz.Kid;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** The history service role over gRPC: DTO <-> domain around {@link HistoryUsecase}. */
public final class HistoryGrpcService extends HistoryGrpc.HistoryImplBase {
    /** Reports per call at most. */
    public static final int REPORTS_MAX = 1000;

    private final HistoryUsecase history;

    public HistoryGrpcService(HistoryUsecase history) {
        this.history = history;
    }

    @Override
    public void report(ReportRequest r, StreamObserver<ReportReply> out) {
        if (r.getReportsCount() > REPORTS_MAX) {
            throw HistoryErrors.badParameter("reports", "at most " + REPORTS_MAX + " per call");
        }
        List<HistoryUsecase.Report> reports = new ArrayList<>(r.getReportsCount());
        for (HistoryRecordMsg m : r.getReportsList()) {
            reports.add(new HistoryUsecase.Report(m.getMid(), kid(m.getBusiness(), m.getOid()), m.getCid(),
                    m.getProgress(), m.getPlatform()));
        }
        int accepted = history.reportAll(reports);
        out.onNext(ReportReply.newBuilder().setAccepted(accepted).build());
        out.onCompleted();
    }

    @Override
    public void list(ListRequest r, StreamObserver<ListReply> out) {
        HistoryPage page = history.list(r.getMid(), r.getBeforeViewAt(), business(r.getBusiness()), r.getPs());
        ListReply.Builder b = ListReply.newBuilder().setNextViewAt(page.nextViewAt());
        page.records().forEach(rec -> b.addRecords(HistoryMessages.toMsg(rec)));
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void progress(ProgressRequest r, StreamObserver<ProgressReply> out) {
        ProgressReply.Builder b = ProgressReply.newBuilder();
        history.resume(r.getMid(), kid(r.getBusiness(), r.getOid()))
                .ifPresent(rec -> b.setFound(true).setRecord(HistoryMessages.toMsg(rec)));
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<DeleteReply> out) {
        List<Kid> kids = new ArrayList<>();
        for (String k : r.getKidsList()) {
            try {
                kids.add(Kid.parse(k));
            } catch (IllegalArgumentException e) {
                throw HistoryErrors.badParameter("kid", e.getMessage());
            }
        }
        history.delete(r.getMid(), kids);
        out.onNext(DeleteReply.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void clear(ClearRequest r, StreamObserver<ClearReply> out) {
        history.clear(r.getMid());
        out.onNext(ClearReply.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void setPause(SetPauseRequest r, StreamObserver<PauseReply> out) {
        history.setPaused(r.getMid(), r.getPaused());
        out.onNext(PauseReply.newBuilder().setPaused(r.getPaused()).build());
        out.onCompleted();
    }

    @Override
    public void getPause(GetPauseRequest r, StreamObserver<PauseReply> out) {
        out.onNext(PauseReply.newBuilder().setPaused(history.isPaused(r.getMid())).build());
        out.onCompleted();
    }

    private static Kid kid(String business, long oid) {
        Business b = Business.of(business).orElseThrow(() ->
                HistoryErrors.badParameter("business", "must be archive, pgc, live or article"));
        if (oid <= 0) {
            throw HistoryErrors.badParameter("oid", "must be positive");
        }
        return new Kid(b, oid);
    }

    /** Empty means all businesses. */
    private static Business business(String business) {
        if (business == null || business.isEmpty()) {
            return null;
        }
        return Business.of(business).orElseThrow(() ->
                HistoryErrors.badParameter("business", "must be archive, pgc, live or article"));
    }
}
