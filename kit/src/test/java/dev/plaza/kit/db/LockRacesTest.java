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
}
