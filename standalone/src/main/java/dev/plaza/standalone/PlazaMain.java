package dev.plaza.standalone;

import dev.plaza.kit.config.Args;
import dev.plaza.kit.config.Config;
import dev.plaza.kit.config.ConfigException;
import dev.plaza.kit.config.ConfigLoader;
import dev.plaza.kit.log.Logging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./plaza up}: every role and the embedded engines in one JVM. Exit codes: 0 after a clean stop, 1 when start-up
 * failed, 2 for a bad command line or configuration.
 */
public final class PlazaMain {
    static final String DEFAULTS = "plaza/standalone.yaml";

    private PlazaMain() {
    }

    public static void main(String[] argv) {
        Args args;
        StandaloneConfig cfg;
        Path home;
        try {
            args = Args.parse(argv, Set.of("help"));
            if (args.flag("help").isPresent() || args.positional().isEmpty() || !args.positional().get(0).equals("up")) {
                System.err.println("usage: plaza up [--port N] [--config FILE] [--data DIR] [--set key=value ...]");
                System.exit(2);
                return;
            }
            home = Path.of(args.flag("home").orElse(System.getProperty("plaza.home", "."))).toAbsolutePath().normalize();
            List<String> sets = new ArrayList<>(args.sets());
            args.flag("port").ifPresent(p -> sets.add(0, "http.port=" + p));
            args.flag("data").ifPresent(d -> sets.add(0, "engines.dataDir=" + d));
            Config config = ConfigLoader.load(DEFAULTS, args.config(), System.getenv(), sets);
            cfg = config.bind(StandaloneConfig.class);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("plaza: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logging.configure(cfg.log(), "plaza");
        Standalone plaza = new Standalone(cfg, home);
        try {
            plaza.start();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(PlazaMain.class).error("plaza failed to start: {}", e.getMessage(), e);
            plaza.stop();
            System.exit(1);
            return;
        }
        plaza.printBanner(System.out);
        plaza.awaitShutdown();
    }
}
