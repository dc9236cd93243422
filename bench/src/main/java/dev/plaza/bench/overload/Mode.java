package dev.plaza.bench.overload;

/**
 * A run mode: which admission control the server applies. Two take a variant, so a second setting can run in the
 * same experiment next to the default: {@code bbr:600} is BBR with a CPU threshold of 600 per mille instead of 800;
 * {@code sentinel:load} is Sentinel's system rule with only its load-adaptive (BBR-like) part, without the CPU line.
 * Any mode may end in {@value #ALT}: its server then runs from the bench's {@code --alt-classpath} (say, a build of
 * the kit before a change), so a before/after pair runs in the same session, at the same offered load.
 *
 * @param name         as given on the command line, also the label in tables and the graph
 * @param kind         none, bbr, sentinel or gradient2
 * @param cpuThreshold BBR's threshold, per mille (default 800); 0 for the other kinds
 * @param sentinelCpu  whether Sentinel's highestCpuUsage line is set ({@code sentinel}) or not ({@code sentinel:load})
 * @param alt          whether the server runs from the alternative class path
 */
record Mode(String name, String kind, int cpuThreshold, boolean sentinelCpu, boolean alt) {
    /** The suffix of a mode whose server runs from {@code --alt-classpath} (e.g. the kit before a change). */
    static final String ALT = "@alt";

    Mode(String name, String kind, int cpuThreshold, boolean sentinelCpu) {
        this(name, kind, cpuThreshold, sentinelCpu, false);
    }

    /** The mode as the server is told it: without the {@value #ALT} suffix. */
    String serverMode() {
        return alt ? name.substring(0, name.length() - ALT.length()) : name;
    }

    static Mode parse(String s) {
        String name = s.trim();
        if (name.endsWith(ALT)) {
            Mode m = parse(name.substring(0, name.length() - ALT.length()));
            return new Mode(name, m.kind(), m.cpuThreshold(), m.sentinelCpu(), true);
        }
        String[] parts = name.split(":", 2);
        String kind = parts[0];
        String variant = parts.length > 1 ? parts[1] : "";
        return switch (kind) {
            case "none", "gradient2" -> {
                if (!variant.isEmpty()) {
                    throw new IllegalArgumentException("mode " + kind + " has no variants: " + s);
                }
                yield new Mode(name, kind, 0, false);
            }
            case "bbr" -> new Mode(name, kind, variant.isEmpty() ? 800 : Integer.parseInt(variant), false);
            case "sentinel" -> {
                if (!variant.isEmpty() && !variant.equals("load")) {
                    throw new IllegalArgumentException("sentinel's only variant is sentinel:load, got " + s);
                }
                yield new Mode(name, kind, 0, variant.isEmpty());
            }
            default -> throw new IllegalArgumentException("unknown mode " + s
                    + " (none, bbr, bbr:<cpu per mille>, sentinel, sentinel:load, gradient2)");
        };
    }
}
