package dev.plaza.engines;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An engine running in its own JVM, on the classpath of its {@code engines/<name>-dist/target/lib} folder, through
 * {@code dev.plaza.engines.child.ChildMain}: the child exits by itself when our end of its stdin pipe closes (this JVM
 * died), and signals readiness by writing {@code <engine dir>/ready}.
 */
abstract class ChildJvmEngine extends AbstractEngine {
    static final String CHILD_MAIN = "dev.plaza.engines.child.ChildMain";
    /** On the child's command line; lets a later run recognise the child as ours through its pid file. */
    static final String DIR_PROPERTY = "plaza.engine.dir";

    private final Path pidFile;
    private final Path readyFile;
    private final Object stopLock = new Object();
    private boolean started;
    private volatile boolean stopping;
    private volatile Process process;
    private OutputStream parentPipe;

    ChildJvmEngine(EngineKind kind, Path dataDir, EngineOptions options) {
        super(kind, dataDir, options);
        this.pidFile = dir.resolve("pid");
        this.readyFile = dir.resolve("ready");
    }

    /** Name of the dist folder: {@code kafka} for {@code engines/kafka-dist}. */
    abstract String distName();

    abstract String mainClass();

    /** Picks ports, writes config files; returns the main class's arguments. */
    abstract List<String> prepare() throws Exception;

    @Override
    void killLeftovers() {
        Processes.killLeftover(pidFile, "-D" + DIR_PROPERTY + "=" + dir, kind + " child JVM", options.stopTimeout());
    }

    @Override
    public void start() throws Exception {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        Path lib = Dists.libDir(distName());
        Files.createDirectories(dir);
        List<String> args = prepare();
        Files.deleteIfExists(readyFile);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + options.heap(kind));
        cmd.addAll(ChildJvm.defaultArgs());
        cmd.addAll(ChildJvm.sharedArchiveArgs(options.cacheDir(), distName(), lib));
        cmd.addAll(options.childJvmArgs());
        cmd.add("-D" + DIR_PROPERTY + "=" + dir);
        cmd.add("-Dplaza.child.readyFile=" + readyFile);
        cmd.add("-cp");
        cmd.add(lib + "/*");
        cmd.add(CHILD_MAIN);
        cmd.add(mainClass());
        cmd.addAll(args);

        LogFiles.beginRun(logFile, "starting " + kind + ": " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p;
        synchronized (stopLock) {
            if (stopping) {
                throw new IllegalStateException(kind + " was stopped while starting");
            }
            // stdin stays a pipe: we keep its write end open for as long as we live
            p = pb.start();
            process = p;
            parentPipe = p.getOutputStream();
            Processes.writePid(pidFile, p.pid());
        }
        try {
            awaitReady(p);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void awaitReady(Process p) throws Exception {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (!Files.exists(readyFile)) {
            if (stopping) {
                throw new IllegalStateException(kind + " was stopped while starting");
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(kind + " child JVM exited with code " + p.exitValue()
                        + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(kind + " was not ready after " + options.startTimeout().toSeconds()
                        + " s");
            }
            p.waitFor(25, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the child (SIGTERM, then SIGKILL after the stop timeout). Also interrupts a start in progress. */
    @Override
    public void close() {
        Process p;
        OutputStream pipe;
        synchronized (stopLock) {
            stopping = true;
            p = process;
            pipe = parentPipe;
            process = null;
            parentPipe = null;
        }
        if (p == null) {
            return;
        }
        Processes.stop(p.toHandle(), options.stopTimeout());
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            pipe.close();
        } catch (IOException e) {
            // the child is gone anyway
        }
        try {
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(readyFile);
        } catch (IOException e) {
            // harmless
        }
        LogFiles.append(logFile, "===== plaza: " + kind + " stopped (exit code " + exitCode(p) + ")");
    }

    private static String exitCode(Process p) {
        try {
            return Integer.toString(p.exitValue());
        } catch (IllegalThreadStateException e) {
            return "still running";
        }
    }

    /** For tests: the child's pid, or -1 when not running. */
    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }
}
