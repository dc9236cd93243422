package dev.plaza.im.server;

import dev.plaza.im.comet.CometConfig;
import dev.plaza.im.job.ImJob;
import dev.plaza.im.live.biz.LiveConfig;
import dev.plaza.im.logic.server.LogicConfig;
import dev.plaza.im.pm.server.PmSettings;
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
 * @param pm         private messages: rules, storage, the job
 */
public record ImConfig(boolean enabled, String server, CometConfig comet, LogicConfig logic, boolean jobEnabled,
                       ImJob.Settings job, LiveConfig live, PmSettings pm) {
    public ImConfig {
        if (server == null || server.isBlank() || server.length() > 64) {
            throw new IllegalArgumentException("im.server must be 1 to 64 characters");
        }
        Objects.requireNonNull(comet, "im.comet is required");
        Objects.requireNonNull(logic, "im.logic is required");
        Objects.requireNonNull(job, "im.job is required");
        Objects.requireNonNull(live, "im.live is required");
        Objects.requireNonNull(pm, "im.pm is required");
        if (!logic.pushTopic().equals(job.topic())) {
            throw new IllegalArgumentException("im.logic.pushTopic and im.job.topic must be the same topic");
        }
    }

    public ImConfig withPm(PmSettings other) {
        return new ImConfig(enabled, server, comet, logic, jobEnabled, job, live, other);
    }
}
