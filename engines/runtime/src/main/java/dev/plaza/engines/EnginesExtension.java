package dev.plaza.engines;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 side of {@link RequiresEngines}. One process-wide set of engines per test JVM, in a temporary data dir that is
 * deleted when the engines stop: at the end of the test run (through the root store) or, at the latest, in a JVM
 * shutdown hook.
 *
 * <p>System properties: {@code plaza.engines.test.dataDir} puts the data in a fixed folder (kept afterwards) instead of
 * a temporary one.
 */
public final class EnginesExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EnginesExtension.class);

    private static final String TEMP_PREFIX = "plaza-engines-test-";
    private static final Logger log = LoggerFactory.getLogger(EnginesExtension.class);

    private static Engines shared;
    private static Path sharedDir;
    private static boolean deleteDirOnStop;
    private static Thread cleanupHook;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ensure(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Endpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            // constructor parameters of PER_CLASS tests are resolved before beforeAll
            return ensure(context);
        } catch (Exception e) {
            throw new ParameterResolutionException("could not start the engines: " + e.getMessage(), e);
        }
    }

    /** The endpoints of the engines started so far in this JVM. */
    public static synchronized Endpoints endpoints() {
        if (shared == null) {
            throw new IllegalStateException("no engines started: annotate the test class with @RequiresEngines");
        }
        return shared.endpoints();
    }

    /** The shared engines (started on first use with the given kinds, extended with missing kinds after). */
    public static synchronized Engines ensureStarted(Set<EngineKind> kinds) throws Exception {
        if (shared == null) {
            sweepAbandonedTestDirs();
            String fixed = System.getProperty("plaza.engines.test.dataDir");
            Path dir;
            if (fixed != null && !fixed.isBlank()) {
                dir = Path.of(fixed);
                deleteDirOnStop = false;
            } else {
                dir = Files.createTempDirectory(TEMP_PREFIX);
                deleteDirOnStop = true;
            }
            Engines engines;
            try {
                engines = Engines.start(dir, kinds);
            } catch (Exception e) {
                if (deleteDirOnStop) {
                    deleteTree(dir);
                }
                throw e;
            }
            shared = engines;
            sharedDir = dir;
            // runs after nothing in particular: Engines has its own hook, this one only removes the temp dir
            cleanupHook = new Thread(EnginesExtension::stopShared, "plaza-engines-test-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanupHook);
        } else {
            shared.ensureStarted(kinds);
        }
        return shared;
    }

    private Endpoints ensure(ExtensionContext context) throws Exception {
        Set<EngineKind> kinds = requiredKinds(context);
        Engines engines = ensureStarted(kinds);
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedEnginesResource.class,
                k -> new SharedEnginesResource(), SharedEnginesResource.class);
        return engines.endpoints();
    }

    private static Set<EngineKind> requiredKinds(ExtensionContext context) {
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            c.get().getTestClass().ifPresent(type -> {
                for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
                    AnnotationSupport.findAnnotation(t, RequiresEngines.class)
                            .ifPresent(a -> kinds.addAll(List.of(a.value())));
                }
            });
        }
        return kinds;
    }

    static synchronized void stopShared() {
        if (shared != null) {
            shared.close();
            shared = null;
            if (deleteDirOnStop) {
                deleteTree(sharedDir);
            }
            sharedDir = null;
        }
        if (cleanupHook != null && Thread.currentThread() != cleanupHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        cleanupHook = null;
    }

    /**
     * A test JVM killed with SIGKILL leaves its native engines (mariadbd, redis-server) running on its temp dir, which
     * no later start reuses. Their dir's lock is free once that JVM is gone: stop whatever still runs on such a dir
     * and delete it. Dirs locked by a live JVM are left alone.
     */
    static void sweepAbandonedTestDirs() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve(".lock");
                if (!Files.isRegularFile(lockFile)) {
                    continue;
                }
                try (var channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                     var lock = channel.tryLock()) {
                    if (lock == null) {
                        continue; // a live test JVM owns it
                    }
                    String marker = dir.toAbsolutePath().toString();
                    ProcessHandle.allProcesses()
                            .filter(p -> p.pid() != ProcessHandle.current().pid())
                            .filter(p -> Processes.mentions(p, marker))
                            .forEach(p -> {
                                log.warn("stopping pid {} left by a killed test JVM on {}", p.pid(), dir);
                                Processes.stop(p, Duration.ofSeconds(10));
                            });
                } catch (OverlappingFileLockException e) {
                    continue; // ours
                } catch (IOException e) {
                    continue;
                }
                deleteTree(dir);
            }
        } catch (IOException e) {
            // nothing to sweep
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temp dir left behind is not worth failing a test run
        }
    }

    /** Closed by JUnit when the root store closes, i.e. at the end of the test run. */
    private static final class SharedEnginesResource implements AutoCloseable {
        @Override
        public void close() {
            stopShared();
        }
    }
}
