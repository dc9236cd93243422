package dev.plaza.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code plaza run <role>} in its own JVM, started from the packaged launcher jar as a user would; its output
 * goes to a log file, and its HTTP and gRPC ports are read from the banner it prints once up.
 */
final class RoleProcess implements AutoCloseable {
    private static final Pattern HEALTH = Pattern.compile("health\\s+http://[^:]+:(\\d+)/");
    private static final Pattern GRPC = Pattern.compile("gRPC\\s+[^:]+:(\\d+)");
    private static final Path JAR = Path.of("target", "plaza-standalone.jar");

    private final String name;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Void> up = new CompletableFuture<>();
    private volatile int httpPort;
    private volatile int grpcPort;

    private RoleProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("role-output-" + name).start(this::follow);
    }

    /** Starts {@code plaza run <role> --config <config> --set ...}; {@link #awaitUp} waits for its banner. */
    static RoleProcess start(String name, String role, Path config, Path logDir, List<String> sets)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the IT runs after package");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "run", role, "--config", config.toString()));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new RoleProcess(name, p, log);
    }

    private void follow() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Matcher h = HEALTH.matcher(line);
                if (h.find()) {
                    httpPort = Integer.parseInt(h.group(1));
                }
                Matcher g = GRPC.matcher(line);
                if (g.find()) {
                    grpcPort = Integer.parseInt(g.group(1));
                }
                if (line.startsWith("Press Ctrl-C")) {
                    up.complete(null);
                }
            }
        } catch (IOException e) {
            up.completeExceptionally(e);
        }
        up.completeExceptionally(new IllegalStateException(name + " exited with " + exitCode() + " before it was up;"
                + " log: " + log + "\n" + tail()));
    }

    void awaitUp(Duration timeout) throws Exception {
        try {
            up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(name + " not up within " + timeout + "; log: " + log + "\n" + tail());
        }
    }

    int httpPort() {
        return httpPort;
    }

    int grpcPort() {
        return grpcPort;
    }

    String name() {
        return name;
    }

    /** SIGKILL: no goodbye to ZooKeeper, no draining; its instances stay listed until the session expires. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private String exitCode() {
        return process.isAlive() ? "(running)" : Integer.toString(process.exitValue());
    }

    String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM, as Ctrl-C: a graceful stop; forced after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
