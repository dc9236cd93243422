package dev.plaza.im.server;

import dev.plaza.im.comet.CometConfig;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.logic.server.LogicConfig;
import java.util.Objects;

/**
 * Settings of the messaging roles (config prefix {@code im}).
 *
 * @param enabled    run the im roles in this process
 * @param server     this comet's id: logic routes its connections' pushes to it
 * @param comet      the connection server
 * @param logic      routing, pushes and the goim HTTP push API
 * @param jobEnabled run the job (Kafka {@code im-push} -> comets) in this process
 * @param job        the job's consumer, room batching and comet calls
 * @param live       danmaku sent by users: length, rate limit, the recent list for newcomers
 */
public record ImConfig(boolean enabled, String server, CometConfig comet, LogicConfig logic, boolean jobEnabled,
                       ImJob.Settings job, LiveConfig live) {
    public ImConfig {
        if (server == null || server.isBlank() || server.length() > 64) {
            throw new IllegalArgumentException("im.server must be 1 to 64 characters");
        }
        Objects.requireNonNull(comet, "im.comet is required");
        Objects.requireNonNull(logic, "im.logic is required");
        Objects.requireNonNull(job, "im.job is required");
        Objects.requireNonNull(live, "im.live is required");
        if (!logic.pushTopic().equals(job.topic())) {
            throw new IllegalArgumentException("im.logic.pushTopic and im.job.topic must be the same topic");
        }
    }
}
