package dev.plaza.archive.data;

import dev.plaza.api.archive.v1.ArchiveEvent;
import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.biz.ArchiveInfos;

/** The bytes of the events on {@code archive-events}: a serialized {@link ArchiveEvent}, keyed by aid. */
public final class ArchiveEventCodec {
    private ArchiveEventCodec() {
    }

    public static byte[] created(Archive a, long eventTimeMs) {
        return ArchiveEvent.newBuilder()
                .setKind(ArchiveEvent.Kind.CREATED)
                .setArchive(ArchiveInfos.of(a))
                .setEventTime(eventTimeMs)
                .build()
                .toByteArray();
    }

}
