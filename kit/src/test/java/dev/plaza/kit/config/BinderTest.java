package dev.plaza.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BinderTest {
    enum Color { RED, DARK_BLUE }

    record Peer(String host, int port) {
    }

    record All(int i, Integer boxed, long l, boolean b, double d, String s, Duration dur, Path path, Color color,
               List<Integer> ints, List<Peer> peers, Map<String, Peer> named, Map<String, Integer> counts,
               Optional<Integer> maybe, Optional<Peer> maybePeer) {
    }

    private static All bind(String... sets) {
        return ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(), Map.of(), List.of(sets))
                .bind(All.class);
    }

    @Test
    void bindsEveryTypeFromText() {
        All all = bind("i=-3", "boxed=7", "l=9000000000", "b=TRUE", "d=0.25", "s=hi there", "dur=1m30s",
                "path=/var/plaza", "color=dark-blue", "ints=1,2,3", "counts=a=1,b=2", "maybe=5",
                "maybePeer.host=h", "maybePeer.port=1", "named.x.host=hx", "named.x.port=2");

        assertThat(all.i()).isEqualTo(-3);
        assertThat(all.l()).isEqualTo(9_000_000_000L);
        assertThat(all.b()).isTrue();
        assertThat(all.d()).isEqualTo(0.25);
        assertThat(all.s()).isEqualTo("hi there");
        assertThat(all.dur()).isEqualTo(Duration.ofSeconds(90));
        assertThat(all.path()).isEqualTo(Path.of("/var/plaza"));
        assertThat(all.color()).isEqualTo(Color.DARK_BLUE);
        assertThat(all.ints()).containsExactly(1, 2, 3);
        assertThat(all.peers()).isEmpty();
        assertThat(all.named()).containsExactly(Map.entry("x", new Peer("hx", 2)));
        assertThat(all.counts()).containsExactly(Map.entry("a", 1), Map.entry("b", 2));
        assertThat(all.maybe()).contains(5);
        assertThat(all.maybePeer()).contains(new Peer("h", 1));
    }

    @Test
    void listElementErrorsNameTheIndex() {
        assertThatThrownBy(() -> bind("i=1", "boxed=1", "l=1", "b=true", "d=1", "s=", "dur=0", "path=.",
                "color=red", "ints=1,x"))
                .hasMessage("bad value for 'ints[1]': \"x\" is not an int");
    }

    @Test
    void booleanRejectsYes() {
        assertThatThrownBy(() -> bind("i=1", "boxed=1", "l=1", "b=yes"))
                .hasMessage("bad value for 'b': \"yes\" is not a boolean (true or false)");
    }

    @Test
    void intOverflowIsBadValue() {
        assertThatThrownBy(() -> bind("i=3000000000"))
                .hasMessage("bad value for 'i': \"3000000000\" is not an int");
    }

    @Test
    void rejectsNonRecords() {
        Config config = ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(), Map.of(), List.of());
        assertThatThrownBy(() -> config.bind(String.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsParseGoAndIsoForms() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
        assertThat(Durations.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        for (String bad : List.of("5", "s", "5 s", "5sec", "", "ms5", "PTX")) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void envNamesAreCanonical() {
        assertThat(EnvOverrides.envName("mariadb.jdbcUrl")).isEqualTo("MARIADB_JDBC_URL");
        assertThat(EnvOverrides.envName("http.port")).isEqualTo("HTTP_PORT");
        assertThat(EnvOverrides.envName("s3.v2Endpoint")).isEqualTo("S3_V2_ENDPOINT");
    }
}
