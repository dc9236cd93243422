package dev.plaza.kit.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class LockRacesTest {
    @Test
    void deadlocksAndLockWaitTimeoutsAreRacesOtherFailuresAreNot() {
        assertThat(LockRaces.isLockRace(new SQLException("deadlock", "40001", 1213))).isTrue();
        assertThat(LockRaces.isLockRace(new SQLException("lock wait", "HY000", 1205))).isTrue();
        assertThat(LockRaces.isLockRace(new RuntimeException("wrapped",
                new SQLException("deadlock", "40001", 1213)))).isTrue();
        assertThat(LockRaces.isLockRace(new SQLException("duplicate key", "23000", 1062))).isFalse();
        assertThat(LockRaces.isLockRace(new IllegalStateException("no"))).isFalse();
    }

    @Test
    void retryingRunsAgainAfterALostRaceButNotAfterOtherFailures() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        String result = LockRaces.retrying("test", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new RuntimeException("lost", new SQLException("deadlock", "40001", 1213));
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);

        calls.set(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LockRaces.retrying("test", () -> {
            calls.incrementAndGet();
            throw new RuntimeException("lost", new SQLException("deadlock", "40001", 1213));
        })).hasMessage("lost");
        assertThat(calls).as("gives up after MAX_ATTEMPTS").hasValue(LockRaces.MAX_ATTEMPTS);

        calls.set(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LockRaces.retrying("test", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("other");
        })).hasMessage("other");
        assertThat(calls).hasValue(1);
    }
}
