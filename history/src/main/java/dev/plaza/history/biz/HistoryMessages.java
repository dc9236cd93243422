package dev.plaza.history.biz;

import dev.plaza.api.history.v1.HistoryRecordMsg;

/** Records to and from their protobuf form (the gRPC API and the flush messages share it). */
public final class HistoryMessages {
    private HistoryMessages() {
    }

    public static HistoryRecordMsg toMsg(HistoryRecord r) {
        return HistoryRecordMsg.newBuilder().setMid(r.mid()).setBusiness(r.kid().business().code())
                .setOid(r.kid().id()).setCid(r.cid()).setProgress(r.progress()).setPlatform(r.platform())
                .setViewAt(r.viewAt()).build();
    }

    /** @throws IllegalArgumentException for a record that can never be valid (unknown business, bad ids) */
    public static HistoryRecord fromMsg(HistoryRecordMsg m) {
        Business b = Business.of(m.getBusiness()).orElseThrow(() ->
                new IllegalArgumentException("unknown business '" + m.getBusiness() + "'"));
        return new HistoryRecord(new HistoryKey(m.getMid(), new Kid(b, m.getOid())), m.getCid(), m.getProgress(),
                m.getPlatform(), m.getViewAt());
    }
}
