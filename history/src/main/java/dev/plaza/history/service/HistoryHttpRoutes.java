package dev.plaza.history.service;

import dev.plaza.api.account.v1.AccountGrpc;
import dev.plaza.api.account.v1.GetProfilesReply;
import dev.plaza.api.account.v1.GetProfilesRequest;
import dev.plaza.api.account.v1.Profile;
import dev.plaza.api.archive.v1.ArchiveGrpc;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.history.v1.ClearRequest;
import dev.plaza.api.history.v1.DeleteRequest;
import dev.plaza.api.history.v1.GetPauseRequest;
import dev.plaza.api.history.v1.HistoryGrpc;
import dev.plaza.api.history.v1.HistoryRecordMsg;
import dev.plaza.api.history.v1.ListReply;
import dev.plaza.api.history.v1.ListRequest;
import dev.plaza.api.history.v1.ProgressReply;
import dev.plaza.api.history.v1.ProgressRequest;
import dev.plaza.api.history.v1.ReportRequest;
import dev.plaza.api.history.v1.SetPauseRequest;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryErrors;
import dev.plaza.history.biz.HistoryUsecase;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.batch.WriteCoalescer;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import dev.plaza.kit.rpc.RpcCalls;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The history interface role: Bilibili's history and player-report paths over the history service's gRPC stub,
 * with video facts from the archive service and author names from the account service.
 *
 * <ul>
 *   <li>{@code POST /x/v2/history/report} (aid, cid, progress seconds or -1, platform)</li>
 *   <li>{@code POST /x/click-interface/web/heartbeat} (aid, cid, played_time seconds or -1 = finished, play_type
 *   0-4, start_ts)</li>
 *   <li>{@code GET /x/web-interface/history/cursor} (max, view_at, business, ps up to 30): items and {@code cursor}
 *   for the next page. {@code cursor.view_at} is the last item's view time in milliseconds: clients send it back
 *   unchanged, and milliseconds keep reports of the same second apart.</li>
 *   <li>{@code GET /x/v2/history/progress} (aid): where the player resumes ({@code last_play_cid},
 *   {@code last_play_time} in milliseconds, as Bilibili's player API gives them)</li>
 *   <li>{@code POST /x/v2/history/delete} (kid, comma-separated), {@code POST /x/v2/history/clear},
 *   {@code POST /x/v2/history/shadow/set} (switch), {@code GET /x/v2/history/shadow}</li>
 * </ul>
 */
public final class HistoryHttpRoutes implements HttpRoutes, AutoCloseable {
    private static final List<String> PLATFORMS = List.of("web", "android", "ios", "pad", "tv", "");
    /** Reports per call to the history service at most. */
    private static final int REPORT_BATCH = 256;
    /** Reports that may wait for the service at once; beyond them a report is refused (-503). */
    private static final int REPORTS_WAITING = 20_000;

    private final HistoryGrpc.HistoryBlockingStub history;
    private final AccountGrpc.AccountBlockingStub account;
    private final ArchiveDirectory archives;
    private final Duration timeout;
    /**
     * Heartbeats of concurrent requests go to the service together, one Report call per batch: each request
     * still returns only once its report is taken, but the call's fixed cost (interceptors, spans, a hop, a Redis
     * round trip) is paid per batch. Validated here first, so one bad report cannot fail the others of its batch.
     */
    private final WriteCoalescer<HistoryRecordMsg> reports;

    public HistoryHttpRoutes(HistoryGrpc.HistoryBlockingStub history, ArchiveGrpc.ArchiveBlockingStub archive,
                             AccountGrpc.AccountBlockingStub account, Duration timeout) {
        this.history = history;
        this.account = account;
        this.archives = new ArchiveDirectory(archive, timeout, Duration.ofMinutes(5));
        this.timeout = timeout;
        this.reports = new WriteCoalescer<>("history-reports", REPORT_BATCH, REPORTS_WAITING,
                batch -> RpcCalls.call(() -> stub().report(ReportRequest.newBuilder().addAllReports(batch).build())));
    }

    public void start() {
        reports.start();
    }

    /** Sends what requests wait for, then stops. */
    @Override
    public void close() {
        reports.close();
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/x/v2/history/report", Access.USER, this::report);
        routes.post("/x/click-interface/web/heartbeat", Access.USER, this::heartbeat);
        routes.get("/x/web-interface/history/cursor", Access.USER, this::cursor);
        routes.get("/x/v2/history/progress", Access.USER, this::progress);
        routes.post("/x/v2/history/delete", Access.USER, this::delete);
        routes.post("/x/v2/history/clear", Access.USER, this::clear);
        routes.post("/x/v2/history/shadow/set", Access.USER, this::setShadow);
        routes.get("/x/v2/history/shadow", Access.USER, this::shadow);
    }

    private Object report(Request req) {
        long aid = req.longParam("aid", 1, Long.MAX_VALUE);
        long cid = req.longParam("cid", 0, 0, Long.MAX_VALUE);
        long progress = req.longParam("progress", -1, Integer.MAX_VALUE);
        String platform = req.oneOf("platform", "web", PLATFORMS);
        send(req, aid, cid, progress, platform);
        return null;
    }

    private Object heartbeat(Request req) {
        long aid = req.longParam("aid", 1, Long.MAX_VALUE);
        long cid = req.longParam("cid", 0, 0, Long.MAX_VALUE);
        long played = req.longParam("played_time", 0, -1, Integer.MAX_VALUE);
        req.intParam("play_type", 0, 0, 4); // 0 playing, 1 start, 2 pause, 3 stop, 4 end: all just report
        req.longParam("start_ts", 0, 0, Long.MAX_VALUE);
        send(req, aid, cid, played, "web");
        return null;
    }

    private void send(Request req, long aid, long cid, long progress, String platform) {
        long mid = req.user().mid();
        ArchiveInfo a = archives.get(List.of(aid)).get(aid);
        if (a == null) {
            throw PlazaError.notFound("ARCHIVE_NOT_FOUND", "no video with aid " + aid).withMetadata("aid",
                    Long.toString(aid));
        }
        long part = cid == 0 ? a.getCid() : cid;
        reports.write(HistoryRecordMsg.newBuilder().setMid(mid).setBusiness(Business.ARCHIVE.code()).setOid(aid)
                .setCid(part).setProgress(progress).setPlatform(platform).build());
    }

    private Object cursor(Request req) {
        long mid = req.user().mid();
        req.longParam("max", 0, 0, Long.MAX_VALUE); // Bilibili's tie-breaker; the millisecond view_at needs none
        long viewAt = req.longParam("view_at", 0, 0, Long.MAX_VALUE);
        String business = req.oneOf("business", "", List.of("", "archive", "pgc", "live", "article"));
        int ps = req.intParam("ps", 20, 1, HistoryUsecase.PAGE_MAX);
        ListReply r = RpcCalls.callAs(mid, () -> stub().list(ListRequest.newBuilder().setMid(mid)
                .setBeforeViewAt(viewAt).setBusiness(business).setPs(ps).build()));
        List<Long> aids = new ArrayList<>();
        for (HistoryRecordMsg m : r.getRecordsList()) {
            if (m.getBusiness().equals(Business.ARCHIVE.code())) {
                aids.add(m.getOid());
            }
        }
        Map<Long, ArchiveInfo> videos = archives.get(aids);
        Map<Long, Profile> authors = authors(videos);
        List<Map<String, Object>> list = new ArrayList<>();
        for (HistoryRecordMsg m : r.getRecordsList()) {
            boolean video = m.getBusiness().equals(Business.ARCHIVE.code());
            list.add(item(m, video ? videos.get(m.getOid()) : null, authors));
        }
        HistoryRecordMsg last = r.getRecordsCount() == 0 ? null : r.getRecords(r.getRecordsCount() - 1);
        Map<String, Object> cursor = new LinkedHashMap<>();
        cursor.put("max", r.getNextViewAt() == 0 || last == null ? 0 : last.getOid());
        cursor.put("view_at", r.getNextViewAt());
        cursor.put("business", business);
        cursor.put("ps", ps);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cursor", cursor);
        data.put("tab", List.of());
        data.put("list", list);
        return data;
    }

    private Map<Long, Profile> authors(Map<Long, ArchiveInfo> videos) {
        List<Long> mids = videos.values().stream().map(ArchiveInfo::getOwnerMid).filter(m -> m > 0).distinct()
                .toList();
        if (mids.isEmpty()) {
            return Map.of();
        }
        try {
            GetProfilesReply reply = account.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getProfiles(GetProfilesRequest.newBuilder().addAllMids(mids).build());
            return reply.getProfilesMap();
        } catch (StatusRuntimeException e) {
            return Map.of(); // names are decoration: the history still shows
        }
    }

    private static Map<String, Object> item(HistoryRecordMsg m, ArchiveInfo video, Map<Long, Profile> authors) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("oid", m.getOid());
        h.put("epid", 0);
        h.put("bvid", "");
        h.put("page", 1);
        h.put("cid", m.getCid());
        h.put("part", "");
        h.put("business", m.getBusiness());
        h.put("dt", dt(m.getPlatform()));
        Map<String, Object> it = new LinkedHashMap<>();
        it.put("title", video == null ? "" : video.getTitle());
        it.put("long_title", "");
        it.put("cover", video == null ? "" : video.getCover());
        it.put("uri", "");
        it.put("history", h);
        it.put("videos", 1);
        Profile author = video == null ? null : authors.get(video.getOwnerMid());
        it.put("author_name", author == null ? "" : author.getName());
        it.put("author_face", author == null ? "" : author.getFace());
        it.put("author_mid", video == null ? 0 : video.getOwnerMid());
        it.put("view_at", m.getViewAt() / 1000);
        it.put("progress", m.getProgress());
        it.put("duration", video == null ? 0 : video.getDuration());
        it.put("is_finish", m.getProgress() == -1 ? 1 : 0);
        it.put("kid", m.getBusiness() + "_" + m.getOid());
        it.put("live_status", 0);
        return it;
    }

    /** Bilibili's device type: 1 iPhone, 2 web, 3 android, 4 pad, 33 TV. */
    private static int dt(String platform) {
        return switch (platform.toLowerCase(Locale.ROOT)) {
            case "ios" -> 1;
            case "android" -> 3;
            case "pad" -> 4;
            case "tv" -> 33;
            default -> 2;
        };
    }

    private Object progress(Request req) {
        long mid = req.user().mid();
        long aid = req.longParam("aid", 1, Long.MAX_VALUE);
        ProgressReply r = RpcCalls.callAs(mid, () -> stub().progress(ProgressRequest.newBuilder().setMid(mid)
                .setBusiness(Business.ARCHIVE.code()).setOid(aid).build()));
        Map<String, Object> data = new HashMap<>();
        data.put("last_play_cid", r.getFound() ? r.getRecord().getCid() : 0);
        // milliseconds, as Bilibili's player API; a finished video starts over
        data.put("last_play_time", r.getFound() && r.getRecord().getProgress() > 0
                ? r.getRecord().getProgress() * 1000 : 0);
        return data;
    }

    private Object delete(Request req) {
        long mid = req.user().mid();
        String raw = req.string("kid", 1, 4096);
        List<String> kids = new ArrayList<>();
        for (String k : raw.split(",")) {
            String t = k.strip();
            if (!t.isEmpty()) {
                try {
                    kids.add(Kid.parse(t).toString());
                } catch (IllegalArgumentException e) {
                    throw HistoryErrors.badParameter("kid", e.getMessage());
                }
            }
        }
        RpcCalls.callAs(mid, () -> stub().delete(DeleteRequest.newBuilder().setMid(mid).addAllKids(kids).build()));
        return null;
    }

    private Object clear(Request req) {
        long mid = req.user().mid();
        RpcCalls.callAs(mid, () -> stub().clear(ClearRequest.newBuilder().setMid(mid).build()));
        return null;
    }

    private Object setShadow(Request req) {
        long mid = req.user().mid();
        boolean on = req.boolParam("switch", false);
        RpcCalls.callAs(mid, () -> stub().setPause(SetPauseRequest.newBuilder().setMid(mid).setPaused(on).build()));
        return null;
    }

    private Object shadow(Request req) {
        long mid = req.user().mid();
        return RpcCalls.callAs(mid, () -> stub().getPause(GetPauseRequest.newBuilder().setMid(mid).build()))
                .getPaused();
    }

    private HistoryGrpc.HistoryBlockingStub stub() {
        return history.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
