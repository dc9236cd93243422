package dev.plaza.bench.overload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link OverloadServer} in its own JVM (this JVM's java and class path), so every mode starts cold and equal: no
 * JIT profile, heap or Sentinel statics left over from the mode before. Its output goes to a log file, which is
 * also where the bench reads the server's {@code READY} and {@code STATS} lines.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * How servers are launched.
     *
     * @param altClasspath the class path of {@code @alt} modes (null: none given)
     * @param cpus         CPUs the server may run on ({@code taskset -c} list, e.g. {@code 1}), null for any: with the
     *                     bench and the database pinned to the others, the server has its cores to itself, as if
     *                     the load came from another machine
     */
    record Launch(String altClasspath, String cpus) {
        Launch {
            if (cpus != null && !cpus.matches("[0-9,-]+")) {
                throw new IllegalArgumentException("--server-cpus takes a CPU list such as 1 or 2-3, got " + cpus);
            }
        }
    }

    static ServerProcess start(Mode mode, Launch launch, String jdbc, String user, String password, int rounds,
                               Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve("server-" + mode.name().replace(':', '-').replace('@', '-') + ".log");
        for (int i = 2; Files.exists(log); i++) { // a mode run twice in one session keeps both logs
            log = logDir.resolve("server-" + mode.name().replace(':', '-').replace('@', '-') + "-" + i + ".log");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        if (mode.alt()) {
            if (launch.altClasspath() == null) {
                throw new IllegalArgumentException("mode " + mode.name() + " needs --alt-classpath");
            }
            classpath = launch.altClasspath();
        }
        List<String> cmd = new ArrayList<>();
        if (launch.cpus() != null) {
            cmd.addAll(List.of("taskset", "-c", launch.cpus()));
        }
        cmd.addAll(List.of(java, "-Xmx1g",
                "-Dcsp.sentinel.log.dir=" + logDir.resolve("sentinel").toAbsolutePath(),
                "-cp", classpath, OverloadServer.class.getName(),
                "--mode", mode.serverMode(), "--jdbc", jdbc, "--user", user, "--password", password,
                "--rounds", Integer.toString(rounds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server for mode " + mode.name() + " exited with " + p.exitValue()
                        + "; see " + log);
            }
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("READY ")) {
                    return new ServerProcess(p, log, Integer.parseInt(line.substring(6).trim()));
                }
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("server for mode " + mode.name() + " not ready in 60 s; see " + log);
    }

    int port() {
        return port;
    }

    /** The server's latest {@code STATS} line, without the prefix ("" before the first). */
    String lastStats() throws IOException {
        String last = "";
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("STATS ")) {
                last = line.substring(6);
            }
        }
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
