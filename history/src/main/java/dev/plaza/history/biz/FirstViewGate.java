package dev.plaza.history.biz;

import java.time.LocalDate;

/**
 * Tells, once per user and day, that this is the user's first view of the day (for rewards). Exactly one caller
 * gets {@code true} per (mid, day), however many reports race.
 */
public interface FirstViewGate {
    boolean firstToday(long mid, LocalDate day);
}
