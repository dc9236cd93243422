package dev.plaza.comment.biz;

/**
 * A comment area: (type, oid). Type 1 is a video (oid = aid). Also the Kafka key of its events ("type:oid"), so one
 * subject's events are applied in order while different subjects proceed in parallel.
 */
public record SubjectKey(int type, long oid) {
    public static final int TYPE_VIDEO = 1;

    public SubjectKey {
        if (type <= 0 || oid <= 0) {
            throw new IllegalArgumentException("type and oid must be positive: " + type + ":" + oid);
        }
    }

    public String kafkaKey() {
        return type + ":" + oid;
    }

    public static SubjectKey parse(String kafkaKey) {
        int colon = kafkaKey.indexOf(':');
        return new SubjectKey(Integer.parseInt(kafkaKey.substring(0, colon)), Long.parseLong(kafkaKey.substring(colon + 1)));
    }
}
