package dev.plaza.archive.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxRelayBackoffTest {
    @Test
    void backoffDoublesFromHalfASecondUpToThirtySeconds() {
        assertThat(OutboxRelay.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(OutboxRelay.backoff(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(OutboxRelay.backoff(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(OutboxRelay.backoff(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(OutboxRelay.backoff(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

}
