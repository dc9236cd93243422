package dev.plaza.archive.service;

import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.biz.ArchiveList;
import dev.plaza.archive.biz.ArchiveRules;
import dev.plaza.archive.biz.ArchiveStat;
import dev.plaza.archive.biz.ArchiveUsecase;
import dev.plaza.archive.biz.ArchiveView;
import dev.plaza.archive.biz.Owner;
import dev.plaza.kit.http.Access;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.http.Request;
import dev.plaza.kit.http.RouteRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The video catalog's endpoints in the paths and shapes of Bilibili's web API. */
public final class ArchiveHttpRoutes implements HttpRoutes {
    /** Deep pages cost an OFFSET scan; nobody pages this far by hand. */
    static final int PN_MAX = 10_000;

    private final ArchiveUsecase usecase;

    public ArchiveHttpRoutes(ArchiveUsecase usecase) {
        this.usecase = usecase;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/x/archive/add", Access.USER, this::add);
        routes.get("/x/web-interface/view", Access.PUBLIC, this::view);
        routes.get("/x/archive/list", Access.PUBLIC, this::list);
    }

    private Object add(Request req) {
        long mid = req.user().mid();
        String title = req.string("title", 1, ArchiveRules.TITLE_MAX);
        String desc = req.optionalString("desc", ArchiveRules.DESC_MAX).orElse("");
        long duration = req.longParam("duration", ArchiveRules.DURATION_MIN, ArchiveRules.DURATION_MAX);
        String cover = req.optionalString("cover", ArchiveRules.COVER_MAX).orElse("");
        String mediaUrl = req.string("media_url", 1, ArchiveRules.MEDIA_URL_MAX);
        Archive a = usecase.add(mid, title, desc, duration, cover, mediaUrl);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("aid", a.aid());
        data.put("cid", a.cid());
        return data;
    }

    private Object view(Request req) {
        long aid = req.longParam("aid", 1, Long.MAX_VALUE);
        ArchiveView v = usecase.view(aid);
        Map<String, Object> data = item(v);
        Archive a = v.archive();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("cid", a.cid());
        page.put("page", 1);
        page.put("part", a.title());
        page.put("duration", a.duration());
        data.put("pages", List.of(page));
        return data;
    }

    private Object list(Request req) {
        int pn = req.intParam("pn", 1, 1, PN_MAX);
        int ps = req.intParam("ps", 20, 1, ArchiveUsecase.PAGE_SIZE_MAX);
        long mid = req.longParam("mid", 0, 1, Long.MAX_VALUE);
        ArchiveList page = usecase.list(pn, ps, mid == 0 ? OptionalLong.empty() : OptionalLong.of(mid));
        List<Map<String, Object>> archives = new ArrayList<>(page.items().size());
        for (ArchiveView v : page.items()) {
            archives.add(item(v));
        }
        Map<String, Object> pager = new LinkedHashMap<>();
        pager.put("pn", page.pn());
        pager.put("ps", page.ps());
        pager.put("count", page.count());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("page", pager);
        data.put("archives", archives);
        return data;
    }

    /** A video in the shape of Bilibili's view answer, without {@code pages}. */
    static Map<String, Object> item(ArchiveView v) {
        Archive a = v.archive();
        Owner o = v.owner();
        ArchiveStat s = v.stat();
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("mid", o.mid());
        owner.put("name", o.name());
        owner.put("face", o.face());
        Map<String, Object> stat = new LinkedHashMap<>();
        stat.put("aid", s.aid());
        stat.put("view", s.view());
        stat.put("danmaku", s.danmaku());
        stat.put("reply", s.reply());
        stat.put("favorite", s.favorite());
        stat.put("coin", s.coin());
        stat.put("share", s.share());
        stat.put("like", s.like());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("aid", a.aid());
        data.put("videos", 1);
        data.put("pic", a.cover());
        data.put("title", a.title());
        data.put("pubdate", a.pubdate().getEpochSecond());
        data.put("ctime", a.ctime().getEpochSecond());
        data.put("desc", a.desc());
        data.put("duration", a.duration());
        data.put("owner", owner);
        data.put("stat", stat);
        data.put("cid", a.cid());
        data.put("media_url", a.mediaUrl());
        return data;
    }
}
