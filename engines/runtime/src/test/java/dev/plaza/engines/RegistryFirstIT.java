package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The first class using the shared engines asks for Redis only: nothing else is started for it. */
@Order(5)
@RequiresEngines(EngineKind.REDIS)
class RegistryFirstIT {
    static volatile Endpoints seen;

    @Test
    void startsOnlyWhatTheClassNeeds(Endpoints endpoints) {
        assertThat(endpoints.redisPort()).isPositive();
        seen = endpoints;
    }
}
