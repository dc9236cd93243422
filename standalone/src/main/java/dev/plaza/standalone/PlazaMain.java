package dev.plaza.standalone;

import dev.plaza.kit.config.Args;
import dev.plaza.kit.config.Config;
import dev.plaza.kit.config.ConfigException;
import dev.plaza.kit.config.ConfigLoader;
import dev.plaza.kit.log.Logging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code ./plaza up}: every role and the embedded engines in one JVM. {@code ./plaza run <role>}: one role in this
 * process, finding the others through ZooKeeper; {@code ./plaza run engines}: the embedded engines alone, writing
 * their addresses for the roles. Exit codes: 0 after a clean stop, 1 when start-up failed, 2 for a bad command line
 * or configuration.
 */
public final class PlazaMain {
    static final String DEFAULTS = "plaza/standalone.yaml";
    static final String USAGE = """
            usage: plaza up [--port N] [--config FILE] [--data DIR] [--set key=value ...]
                   plaza run engines [--data DIR] [--config FILE] [--set key=value ...]
                   plaza run <role> [--port N] [--grpc-port N] [--config FILE] [--set key=value ...]
              roles: %s""".formatted(Role.names());

    private PlazaMain() {
    }

    public static void main(String[] argv) {
        Args args;
        StandaloneConfig cfg;
        Path home;
        String command;
        String role = null;
        try {
            args = Args.parse(argv, Set.of("help"));
            List<String> pos = args.positional();
            command = pos.isEmpty() ? "" : pos.get(0);
            boolean ok = switch (command) {
                case "up" -> pos.size() == 1;
                case "run" -> pos.size() == 2;
                default -> false;
            };
            if (args.flag("help").isPresent() || !ok) {
                System.err.println(USAGE);
                System.exit(2);
                return;
            }
            if (command.equals("run")) {
                role = pos.get(1);
                if (!role.equals("engines")) {
                    Role.parse(role);
                }
            }
            home = Path.of(args.flag("home").orElse(System.getProperty("plaza.home", "."))).toAbsolutePath().normalize();
            List<String> sets = new ArrayList<>(args.sets());
            args.flag("port").ifPresent(p -> sets.add(0, "http.port=" + p));
            args.flag("grpc-port").ifPresent(p -> sets.add(0, "grpc.port=" + p));
            args.flag("data").ifPresent(d -> sets.add(0, "engines.dataDir=" + d));
            Config config = ConfigLoader.load(DEFAULTS, args.config(), System.getenv(), sets);
            cfg = config.bind(StandaloneConfig.class);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("plaza: " + e.getMessage());
            System.exit(2);
            return;
        }
        String name = role == null ? "plaza" : "plaza-" + role;
        Logging.configure(cfg.log(), name);
        if ("engines".equals(role)) {
            runEngines(cfg, home);
            return;
        }
        Standalone plaza = role == null ? new Standalone(cfg, home)
                : new Standalone(cfg, home, EnumSet.of(Role.parse(role)), true);
        try {
            plaza.start();
        } catch (Exception e) {
            LoggerFactory.getLogger(PlazaMain.class).error("{} failed to start: {}", name, e.getMessage(), e);
            plaza.stop();
            System.exit(1);
            return;
        }
        plaza.printBanner(System.out);
        plaza.awaitShutdown();
    }

    private static void runEngines(StandaloneConfig cfg, Path home) {
        EnginesHost host = new EnginesHost(cfg, home);
        try {
            host.start();
        } catch (Exception e) {
            LoggerFactory.getLogger(PlazaMain.class).error("engines failed to start: {}", e.getMessage(), e);
            host.stop();
            System.exit(1);
            return;
        }
        host.printBanner(System.out);
        try {
            host.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
