package dev.plaza.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
    @Test
    void parsesConfigSetsFlagsAndPositionals() {
        Args args = Args.parse(new String[] {"up", "--config", "plaza.yaml", "--set", "http.port=1",
                "--set=log.level=DEBUG", "--port", "8080", "--data=/d", "--verbose"});

        assertThat(args.config()).contains(Path.of("plaza.yaml"));
        assertThat(args.sets()).containsExactly("http.port=1", "log.level=DEBUG");
        assertThat(args.flags()).containsExactly(Map.entry("port", "8080"), Map.entry("data", "/d"),
                Map.entry("verbose", "true"));
        assertThat(args.positional()).containsExactly("up");
        assertThat(args.flag("port")).contains("8080");
        assertThat(args.flag("nope")).isEmpty();
    }

    @Test
    void switchesNeverTakeTheNextWord() {
        Args args = Args.parse(new String[] {"--verbose", "up", "--dry-run", "--", "--not-a-flag"},
                Set.of("verbose"));
        assertThat(args.flags()).containsExactly(Map.entry("verbose", "true"), Map.entry("dry-run", "true"));
        assertThat(args.positional()).containsExactly("up", "--not-a-flag");
    }

    @Test
    void flagFollowedByFlagIsBoolean() {
        Args args = Args.parse(new String[] {"--a", "--b", "x"});
        assertThat(args.flags()).containsExactly(Map.entry("a", "true"), Map.entry("b", "x"));
    }

    @Test
    void lastRepeatedFlagWins() {
        assertThat(Args.parse(new String[] {"--port", "1", "--port", "2"}).flag("port")).contains("2");
    }

    @Test
    void rejectsIncompleteConfigAndSet() {
        assertThatThrownBy(() -> Args.parse(new String[] {"--config"})).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config needs a file");
        assertThatThrownBy(() -> Args.parse(new String[] {"--set", "novalue"})).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--set needs key=value");
        assertThatThrownBy(() -> Args.parse(new String[] {"--set"})).isInstanceOf(ConfigException.class);
    }
}
