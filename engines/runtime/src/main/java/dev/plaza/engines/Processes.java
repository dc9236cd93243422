package dev.plaza.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pid files and stopping processes (and their descendants) for good. */
final class Processes {
    private static final Logger log = LoggerFactory.getLogger(Processes.class);

    private Processes() {
    }

    static void writePid(Path pidFile, long pid) throws IOException {
        Files.writeString(pidFile, pid + System.lineSeparator());
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a process left behind by a crashed earlier run: the pid in {@code pidFile}, if it is alive and its command
     * line mentions {@code marker} (the engine's folder; guards against a recycled pid). Deletes the pid file.
     */
    static void killLeftover(Path pidFile, String marker, String what, Duration grace) {
        Optional<ProcessHandle> leftover = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> mentions(p, marker));
        if (leftover.isPresent()) {
            ProcessHandle p = leftover.get();
            log.warn("stopping {} left over from an earlier run: pid {} ({})", what, p.pid(),
                    p.info().commandLine().orElse("?"));
            stop(p, grace);
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // harmless
        }
    }

    static boolean mentions(ProcessHandle p, String marker) {
        ProcessHandle.Info info = p.info();
        return info.commandLine().map(c -> c.contains(marker)).orElse(false)
                || info.command().map(c -> c.contains(marker)).orElse(false)
                || info.arguments().map(a -> List.of(a).stream().anyMatch(s -> s.contains(marker))).orElse(false);
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL; the same for descendants still alive afterwards. */
    static void stop(ProcessHandle p, Duration grace) {
        List<ProcessHandle> descendants = p.descendants().toList();
        terminate(p, grace);
        for (ProcessHandle d : descendants) {
            terminate(d, Duration.ofSeconds(5));
        }
    }

    private static void terminate(ProcessHandle p, Duration grace) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!awaitExit(p, grace)) {
            log.warn("pid {} did not stop within {} s: killing it", p.pid(), grace.toSeconds());
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(10));
        }
    }

    static boolean awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        } catch (Exception e) {
            return !p.isAlive();
        }
    }
}
