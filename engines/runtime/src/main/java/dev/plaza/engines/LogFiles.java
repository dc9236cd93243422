package dev.plaza.engines;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Engine log files: appended across restarts, rotated once at start when large, tailed for error messages. */
final class LogFiles {
    private static final long ROTATE_AT = 20L * 1024 * 1024;

    private LogFiles() {
    }

    /** Moves {@code log} to {@code log.1} when it has grown past 20 MB, then appends a start banner. */
    static void beginRun(Path log, String banner) throws IOException {
        Files.createDirectories(log.getParent());
        if (Files.exists(log) && Files.size(log) > ROTATE_AT) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        append(log, "===== plaza " + Instant.now() + ": " + banner);
    }

    static synchronized void append(Path log, String line) {
        try {
            Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // logging must never break the engine
        }
    }

    /** The last {@code lines} lines of {@code log} (reads at most the last 64 KiB), or a note when unreadable. */
    static String tail(Path log, int lines) {
        if (log == null || !Files.exists(log)) {
            return "(no log file " + log + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int size = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[size];
            f.seek(len - size);
            f.readFully(buf);
            List<String> all = Arrays.asList(new String(buf, StandardCharsets.UTF_8).split("\\R"));
            return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                    .map(l -> "    | " + l)
                    .collect(Collectors.joining(System.lineSeparator()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
