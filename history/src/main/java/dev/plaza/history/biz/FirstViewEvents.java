package dev.plaza.history.biz;

/** Where "first view of the day" events go (a Kafka topic read by rewards). */
public interface FirstViewEvents {
    void firstView(long mid, Kid kid, long viewAt);
}
