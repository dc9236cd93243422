package dev.plaza.bench.overload;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs; an empty value ({@code --password ""}) is a value like any other. */
final class Args {
    private Args() {
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name, got " + argv[i]);
            }
            String name = argv[i].substring(2);
            if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                m.put(name, argv[++i]);
            } else {
                m.put(name, "true");
            }
        }
        return m;
    }
}
