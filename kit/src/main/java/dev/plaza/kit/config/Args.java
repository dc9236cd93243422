package dev.plaza.kit.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line every Plaza process understands: {@code --config FILE}, repeatable {@code --set key=value}, other
 * {@code --name value} / {@code --name=value} flags and positional words (e.g. the launcher's {@code up}).
 *
 * <p>A flag written without {@code =} takes the next argument as its value unless that argument starts with
 * {@code --} or there is none, in which case its value is {@code "true"}. Flags listed as switches never take a value,
 * so {@code --verbose up} keeps {@code up} positional. {@code --} ends the flags; everything after it is positional.
 * A repeated flag keeps its last value.
 *
 * @param config     the {@code --config} file, if given
 * @param sets       the {@code --set} assignments in order (still {@code key=value} text, parsed by {@link ConfigLoader})
 * @param flags      every other flag by name (without the dashes), in order of first appearance
 * @param positional the remaining arguments in order
 */
public record Args(Optional<Path> config, List<String> sets, Map<String, String> flags, List<String> positional) {

    public Args {
        sets = List.copyOf(sets);
        flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        positional = List.copyOf(positional);
    }

    public static Args parse(String[] argv) {
        return parse(argv, Set.of());
    }

    /**
     * @param switches flag names (without dashes) that never consume the next argument
     * @throws ConfigException when {@code --config} or {@code --set} lacks its value or a {@code --set} lacks {@code =}
     */
    public static Args parse(String[] argv, Set<String> switches) {
        Path config = null;
        List<String> sets = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean flagsEnded = false;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (flagsEnded || !arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                flagsEnded = true;
                continue;
            }
            String body = arg.substring(2);
            String name;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else {
                name = body;
                boolean takesNext = !switches.contains(name) && i + 1 < argv.length && !argv[i + 1].startsWith("--");
                value = takesNext ? argv[++i] : null;
            }
            if (name.isEmpty()) {
                throw new ConfigException("bad argument '" + arg + "': empty flag name");
            }
            switch (name) {
                case "config" -> {
                    if (value == null || value.isEmpty()) {
                        throw new ConfigException("--config needs a file, e.g. --config plaza.yaml");
                    }
                    config = Path.of(value);
                }
                case "set" -> {
                    if (value == null || value.indexOf('=') <= 0) {
                        throw new ConfigException("--set needs key=value, e.g. --set http.port=8080 (got "
                                + (value == null ? "nothing" : "'" + value + "'") + ")");
                    }
                    sets.add(value);
                }
                default -> flags.put(name, value == null ? "true" : value);
            }
        }
        return new Args(Optional.ofNullable(config), sets, flags, positional);
    }

    public Optional<String> flag(String name) {
        return Optional.ofNullable(flags.get(name));
    }
}
