package dev.plaza.comment.biz;

import dev.plaza.api.comment.v1.CommentEvent;

/** Hands events from the service to the job (Kafka topic {@code comment-events}, keyed by subject). */
public interface CommentEvents {
    /** Returns once the event is durably accepted (acknowledged by the broker); throws -503 when it cannot be. */
    void publish(SubjectKey key, CommentEvent event);
}
