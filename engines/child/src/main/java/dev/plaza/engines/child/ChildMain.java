package dev.plaza.engines.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every engine child JVM: {@code ChildMain <engine main class> [args...]}.
 *
 * <p>Before running the engine it starts a watchdog that reads standard input. The parent keeps the write end of that
 * pipe open for as long as it lives, so end-of-file means the parent is gone (even after {@code kill -9}); the child
 * then exits by itself, running its shutdown hooks, and halts if they take longer than the grace period.
 *
 * <p>System properties: {@code plaza.child.watchdog=false} turns the watchdog off (running a child by hand);
 * {@code plaza.child.exitGraceMillis} bounds the shutdown after the parent is gone (default 20000).
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ChildMain <main class> [args...]");
            System.exit(2);
        }
        if (!"false".equals(System.getProperty("plaza.child.watchdog"))) {
            startParentWatchdog(System.in, Long.getLong("plaza.child.exitGraceMillis", 20_000L));
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static Thread startParentWatchdog(InputStream in, long graceMillis) {
        Thread watchdog = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything it sends is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file
            }
            System.err.println("[plaza-child] parent process is gone (stdin closed): shutting down");
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(graceMillis);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                System.err.println("[plaza-child] shutdown took longer than " + graceMillis + " ms: halting");
                Runtime.getRuntime().halt(3);
            }, "plaza-child-halter");
            halter.setDaemon(true);
            halter.start();
            System.exit(0);
        }, "plaza-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
