package dev.plaza.history.biz;

/** A user's "pause history" switch: while on, reports are accepted and dropped. */
public interface PauseSwitch {
    boolean isPaused(long mid);

    void setPaused(long mid, boolean paused);
}
