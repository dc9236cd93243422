package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** A later class reuses the engines already up in this JVM and starts only the missing ones. */
@Order(20)
@RequiresEngines({EngineKind.REDIS, EngineKind.MARIADB})
class RegistryLaterIT {
    @Test
    void reusesTheEnginesOfEarlierClasses(Endpoints endpoints) throws Exception {
        Endpoints first = RegistryFirstIT.seen;
        if (first != null) {
            assertThat(first.mariadbPort()).as("MariaDB was not needed by the first class").isZero();
            assertThat(endpoints.redisPort()).as("same Redis as the first class").isEqualTo(first.redisPort());
        }
        assertThat(endpoints.mariadbPort()).isPositive();
        endpoints.createDatabase("registry_later");
        endpoints.dropDatabase("registry_later");
    }
}
