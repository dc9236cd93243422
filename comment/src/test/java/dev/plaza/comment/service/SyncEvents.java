package dev.plaza.comment.service;

import dev.plaza.api.comment.v1.CommentEvent;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.job.JobUsecase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link CommentEvents} for tests without Kafka: records every event and applies it at once through the real job
 * use case (the sharded store and the Redis cache), so a post is visible when its answer arrives.
 */
final class SyncEvents implements CommentEvents {
    record Published(SubjectKey key, CommentEvent event) {
    }

    final List<Published> published = new CopyOnWriteArrayList<>();
    /** The job applies one subject's events one at a time (its Kafka partition); so does this. */
    private final Map<SubjectKey, Object> locks = new ConcurrentHashMap<>();
    volatile JobUsecase job;
    volatile boolean apply = true;

    @Override
    public void publish(SubjectKey key, CommentEvent event) {
        published.add(new Published(key, event));
        JobUsecase j = job;
        if (apply && j != null) {
            synchronized (locks.computeIfAbsent(key, k -> new Object())) {
                j.apply(event);
            }
        }
    }

    int size() {
        return published.size();
    }

    List<CommentEvent> of(SubjectKey key, CommentEvent.EventCase kind) {
        return published.stream().filter(p -> p.key().equals(key) && p.event().getEventCase() == kind)
                .map(Published::event).toList();
    }
}
