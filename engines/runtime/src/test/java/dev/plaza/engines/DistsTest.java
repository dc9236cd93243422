package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistsTest {
    @Test
    void findsTheBuiltClasspathsUnderPlazaHome() {
        // the reactor builds the dists before this module's tests (see the pom)
        for (String dist : new String[] {"kafka", "zookeeper", "opensearch"}) {
            Path lib = Dists.libDir(dist);
            assertThat(lib).endsWith(Path.of("engines", dist + "-dist", "target", "lib"));
            assertThat(lib.toFile().list()).anyMatch(f -> f.startsWith("plaza-engines-child-"));
        }
    }

    @Test
    void aMissingClasspathNamesTheFolderAndTheBuildCommand(@TempDir Path home) {
        String saved = System.getProperty(Dists.HOME_PROPERTY);
        System.setProperty(Dists.HOME_PROPERTY, home.toString());
        try {
            assertThatThrownBy(() -> Dists.libDir("kafka"))
                    .hasMessageContaining(home.resolve("engines/kafka-dist/target/lib").toString())
                    .hasMessageContaining("./mvnw -pl engines -am install");
        } finally {
            if (saved == null) {
                System.clearProperty(Dists.HOME_PROPERTY);
            } else {
                System.setProperty(Dists.HOME_PROPERTY, saved);
            }
        }
    }
}
