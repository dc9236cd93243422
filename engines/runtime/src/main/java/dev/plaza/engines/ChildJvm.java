package dev.plaza.engines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** JVM flags shared by the child engines. */
final class ChildJvm {
    private ChildJvm() {
    }

    static List<String> defaultArgs() {
        List<String> args = new ArrayList<>(List.of(
                "-XX:+UseSerialGC",          // 2 cores and small heaps: the cheapest collector
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData",           // no /tmp/hsperfdata files
                "-Djava.awt.headless=true"));
        int feature = Runtime.version().feature();
        if (feature >= 22) {
            args.add("--enable-native-access=ALL-UNNAMED"); // Lucene, zstd, snappy
        }
        if (feature >= 24) {
            args.add("--sun-misc-unsafe-memory-access=allow"); // Netty, Kafka
        }
        return args;
    }

    /**
     * A dynamic class-data-sharing archive per dist, created by the first run and reused after (JDK 19+): it cuts the
     * class loading part of the child's start. The JVM checks it against the classpath and rebuilds it when stale.
     * Off with {@code -Dplaza.engines.cds=false}.
     */
    static List<String> sharedArchiveArgs(Path cacheDir, String dist, Path lib) {
        if (Runtime.version().feature() < 19 || "false".equals(System.getProperty("plaza.engines.cds"))) {
            return List.of();
        }
        String key = dist + "-" + Runtime.version().feature() + "-" + shortHash(lib + "|" + System.getProperty("java.home")
                + "|" + Runtime.version());
        Path archive = cacheDir.resolve("cds").resolve(key + ".jsa");
        try {
            Files.createDirectories(archive.getParent());
        } catch (IOException e) {
            return List.of();
        }
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off");
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            return Integer.toHexString(s.hashCode());
        }
    }
}
