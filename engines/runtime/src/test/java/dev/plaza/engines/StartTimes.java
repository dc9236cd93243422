package dev.plaza.engines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Measures start times by hand: {@code StartTimes <runs> <data dir or "fresh"> KIND...}. Each run starts the kinds in
 * parallel, prints the per-engine times and the wall time, and stops them. With "fresh", every run gets a new data
 * dir (cold starts); otherwise the same dir is reused (warm starts after the first).
 */
public final class StartTimes {
    private StartTimes() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (int i = 2; i < args.length; i++) {
            kinds.add(EngineKind.valueOf(args[i]));
        }
        for (int run = 1; run <= runs; run++) {
            Path dir = "fresh".equals(args[1]) ? Files.createTempDirectory("plaza-start-times-") : Path.of(args[1]);
            long t0 = System.nanoTime();
            Map<EngineKind, Duration> times;
            Engines engines = Engines.start(dir, kinds);
            try {
                long wall = (System.nanoTime() - t0) / 1_000_000;
                times = engines.startTimes();
                StringBuilder line = new StringBuilder("run " + run + ": wall " + wall + " ms;");
                times.forEach((k, d) -> line.append(' ').append(k).append('=').append(d.toMillis()));
                System.out.println(line);
                long s0 = System.nanoTime();
                engines.close();
                System.out.println("   stopped in " + (System.nanoTime() - s0) / 1_000_000 + " ms");
            } finally {
                engines.close();
            }
        }
    }
}
