package dev.plaza.history.data.mq;

import dev.plaza.api.history.v1.HistoryRecordMsg;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;

/** Records to and from their protobuf form on Kafka. */
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
