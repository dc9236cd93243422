package dev.plaza.engines.child;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/** Helpers for engine mains running under {@link ChildMain}. */
public final class ChildSupport {
    /** System property naming the file the parent waits for. */
    public static final String READY_FILE_PROPERTY = "plaza.child.readyFile";

    private ChildSupport() {
    }

    /**
     * Tells the parent the engine is ready to serve: writes {@code detail} to the ready file (atomically, so the parent
     * never reads half a file). Does nothing when no ready file was asked for.
     */
    public static void signalReady(String detail) throws IOException {
        String file = System.getProperty(READY_FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Path ready = Path.of(file);
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, detail + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("[plaza-child] ready: " + detail);
    }

    /** Blocks the calling thread until the JVM exits (engines that run on their own threads). */
    public static void parkForever() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
