package dev.plaza.engines;

import java.nio.file.Path;

/** What every engine has: a folder under the data dir, a log file in it, options and a main port. */
abstract class AbstractEngine implements Engine {
    protected final EngineKind kind;
    protected final Path dir;
    protected final EngineOptions options;
    protected final Path logFile;
    protected volatile int port;

    AbstractEngine(EngineKind kind, Path dataDir, EngineOptions options) {
        this.kind = kind;
        this.dir = dataDir.resolve(kind.folder()).toAbsolutePath().normalize();
        this.options = options;
        this.logFile = dir.resolve(kind.folder() + ".log");
    }

    @Override
    public EngineKind kind() {
        return kind;
    }

    /** The engine's folder under the data dir. */
    Path dir() {
        return dir;
    }

    Path logFile() {
        return logFile;
    }

    /** The main port (0 until started). */
    int port() {
        return port;
    }

    /** Stops whatever a crashed earlier run left running on this engine's folder. */
    abstract void killLeftovers();

    /** Puts this engine's address into the endpoints being assembled. */
    abstract void describe(EndpointsBuilder endpoints);

    /** Mutable holder used by {@link Engines#endpoints()}. */
    static final class EndpointsBuilder {
        String mariadbHost;
        int mariadbPort;
        String mariadbUser;
        String mariadbPassword;
        String redisHost;
        int redisPort;
        String kafkaBootstrap;
        String zookeeperConnect;
        String opensearchUrl;

        Endpoints build() {
            return new Endpoints(mariadbHost, mariadbPort, mariadbUser, mariadbPassword, redisHost, redisPort,
                    kafkaBootstrap, zookeeperConnect, opensearchUrl);
        }
    }

    @Override
    public String toString() {
        return kind + " (" + dir + ")";
    }
}
