package dev.plaza.archive.data;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.archive.biz.Archive;

/** The bytes of the events on {@code archive-events}: a serialized {@link ArchiveEvent}, keyed by aid. */
public final class ArchiveEventCodec {
    private ArchiveEventCodec() {
    }

    public static byte[] created(Archive a, long eventTimeMs) {
        return ArchiveEvent.newBuilder()
                .setKind(ArchiveEvent.Kind.CREATED)
                .setArchive(info(a))
                .setEventTime(eventTimeMs)
                .build()
                .toByteArray();
    }

    static ArchiveInfo info(Archive a) {
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
