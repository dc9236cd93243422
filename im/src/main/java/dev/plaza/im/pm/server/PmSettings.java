package dev.plaza.im.pm.server;

import dev.plaza.im.pm.biz.PmConfig;
import dev.plaza.im.pm.data.db.PmDbConfig;
import dev.plaza.im.pm.job.PmJob;
import dev.plaza.kit.id.Snowflake;
import java.util.Objects;

/**
 * Settings of private messages (config prefix {@code im.pm}).
 *
 * @param enabled    serve the private-message API in this process
 * @param rules      lengths, the recall window, the send limit, page sizes
 * @param workerId   this process's snowflake worker id for msg_key (unique among processes that send)
 * @param topic      the notice topic the send path writes and the job reads
 * @param db         where messages, sessions and block lists live
 * @param jobEnabled run the job (notices -> pushes and sessions) in this process
 * @param job        the job's consumer and sweep
 */
public record PmSettings(boolean enabled, PmConfig rules, long workerId, String topic, PmDbConfig db,
                         boolean jobEnabled, PmJob.Settings job) {
    public PmSettings {
        Objects.requireNonNull(rules, "im.pm.rules is required");
        Objects.requireNonNull(db, "im.pm.db is required");
        Objects.requireNonNull(job, "im.pm.job is required");
        if (workerId < 0 || workerId > Snowflake.MAX_WORKER_ID) {
            throw new IllegalArgumentException("im.pm.workerId must be 0 to " + Snowflake.MAX_WORKER_ID);
        }
        if (topic == null || !topic.equals(job.topic())) {
            throw new IllegalArgumentException("im.pm.topic and im.pm.job.topic must be the same topic");
        }
    }

    public PmSettings withDb(PmDbConfig other) {
        return new PmSettings(enabled, rules, workerId, topic, other, jobEnabled, job);
    }

    /** With a worker id leased at start (role processes), instead of the configured one. */
    public PmSettings withWorkerId(long id) {
        return new PmSettings(enabled, rules, id, topic, db, jobEnabled, job);
    }
}
