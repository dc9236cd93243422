package dev.plaza.im.logic.biz;

import java.util.List;

/** Hands pushes to the job (Kafka in production). */
public interface PushPublisher {
    /**
     * Publishes every push and returns once all are durable (acknowledged by the broker).
     *
     * @throws dev.plaza.kit.errors.PlazaError -503 when not all were acknowledged in time (some may have been
     *                                         written: the job delivers at least once anyway)
     */
    void publish(List<Push> pushes);
}
