package dev.plaza.archive.biz;

import dev.plaza.api.archive.v1.ArchiveInfo;

/** The one mapping of a video to its contract message, shared by the gRPC reply and the outbox event. */
public final class ArchiveInfos {
    private ArchiveInfos() {
    }

    public static ArchiveInfo of(Archive a) {
        return ArchiveInfo.newBuilder()
                .setAid(a.aid())
                .setCid(a.cid())
                .setTitle(a.title())
                .setDesc(a.desc())
                .setDuration(a.duration())
                .setCover(a.cover())
                .setMediaUrl(a.mediaUrl())
                .setOwnerMid(a.ownerMid())
                .setPubdate(a.pubdate().getEpochSecond())
                .build();
    }
}
